package org.trusthub.binding.dpws.internal;

import java.time.Instant;
import java.util.List;

import javax.xml.namespace.QName;

import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;

/**
 * What the client knows about one device on the network: its discovery data and, once fetched, its metadata.
 *
 * @param signer    who signed its last discovery message (compact signature), or null when unsigned
 * @param protection how well its last SOAP-over-HTTP message to us was protected
 */
public record DiscoveredDevice(String address, ThingId thing, DpwsVersion version, List<QName> types,
        List<String> scopes, List<String> xaddrs, long metadataVersion, Instant lastSeen, String signer,
        Metadata metadata, Protection protection) {

    /** DPWS ThisModel, ThisDevice and the hosted services of Relationship. */
    public record Metadata(String friendlyName, String manufacturer, String modelName, String firmwareVersion,
            String serialNumber, List<HostedService> services) {
    }

    /**
     * A hosted service; operations are filled in from its WSDL when that has been read.
     *
     * @param unknown why its operations are unknown (its WSDL could not be read), or null
     */
    public record HostedService(String address, List<QName> types, String serviceId, List<Wsdl.Operation> operations,
            String unknown) {
    }

    DiscoveredDevice withDiscovery(DpwsVersion v, List<QName> t, List<String> s, List<String> x, long mv,
            String signedBy) {
        return new DiscoveredDevice(address, thing, v, t.isEmpty() ? types : t, s.isEmpty() ? scopes : s,
                x.isEmpty() ? xaddrs : x, mv, Instant.now(), signedBy, mv == metadataVersion ? metadata : null,
                protection);
    }

    DiscoveredDevice withMetadata(Metadata m, Protection p) {
        return new DiscoveredDevice(address, thing, version, types, scopes, xaddrs, metadataVersion, lastSeen, signer,
                m, p);
    }

    DiscoveredDevice withProtection(Protection p) {
        return new DiscoveredDevice(address, thing, version, types, scopes, xaddrs, metadataVersion, lastSeen, signer,
                metadata, p);
    }

    /** The thing id the binding gives a device: dpws:&lt;uuid&gt; for urn:uuid addresses, else a digest. */
    static ThingId thingIdFor(String address) {
        String a = address.trim().toLowerCase(java.util.Locale.ROOT);
        if (a.startsWith("urn:uuid:") && a.length() == 45 && a.substring(9).matches("[0-9a-f-]{36}")) {
            return ThingId.of("dpws:" + a.substring(9));
        }
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(address.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return ThingId.of("dpws:" + java.util.HexFormat.of().formatHex(d, 0, 16));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
