package org.trusthub.binding.dpws.internal;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import org.trusthub.api.thing.ThingId;

/**
 * TLS for the SOAP endpoint and for https:// XAddrs. Its own seam so that the binding's classes never name the TLS
 * provider's types: the binding runs without security-transport installed.
 */
public interface Tls {

    SSLContext serverContext();

    SSLParameters serverParameters();

    /** A client context that accepts any enrolled thing as server (for a peer the binding knows no thing of). */
    SSLContext clientContext();

    /** A client context that accepts only this thing's certificate from the server. */
    SSLContext clientContext(ThingId server);

    SSLParameters clientParameters();
}
