package org.trusthub.binding.dpws.internal;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * TLS for the SOAP endpoint and for https:// XAddrs. Its own seam so that the binding's classes never name the TLS
 * provider's types: the binding runs without security-transport installed.
 */
public interface Tls {

    SSLContext serverContext();

    SSLParameters serverParameters();

    SSLContext clientContext();

    SSLParameters clientParameters();
}
