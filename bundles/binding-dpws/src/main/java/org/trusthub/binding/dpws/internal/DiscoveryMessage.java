package org.trusthub.binding.dpws.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.xml.namespace.QName;

import org.w3c.dom.Element;

/** A WS-Discovery message (2009 or 2005), read from an envelope or built to be sent. */
public final class DiscoveryMessage {

    public enum Kind {
        HELLO("Hello"), BYE("Bye"), PROBE("Probe"), PROBE_MATCHES("ProbeMatches"), RESOLVE("Resolve"),
        RESOLVE_MATCHES("ResolveMatches");

        public final String element;

        Kind(String element) {
            this.element = element;
        }

        static Kind ofAction(DpwsVersion v, String action) {
            for (Kind k : values()) {
                if (v.wsdAction(k.element).equals(action)) {
                    return k;
                }
            }
            return null;
        }
    }

    /** What Hello, ProbeMatch and ResolveMatch say about one target service; Bye and Resolve carry only the address. */
    public record Endpoint(String address, List<QName> types, List<String> scopes, List<String> xaddrs,
            long metadataVersion) {
    }

    public final SoapMessage soap;
    public final Kind kind;
    public final List<Endpoint> endpoints;
    /** Probe only: the types and scopes asked for, and the scope matching rule. */
    public final List<QName> probeTypes;
    public final List<String> probeScopes;
    public final String matchBy;

    private DiscoveryMessage(SoapMessage soap, Kind kind, List<Endpoint> endpoints, List<QName> probeTypes,
            List<String> probeScopes, String matchBy) {
        this.soap = soap;
        this.kind = kind;
        this.endpoints = endpoints;
        this.probeTypes = probeTypes;
        this.probeScopes = probeScopes;
        this.matchBy = matchBy;
    }

    /** Reads a discovery message; returns null for a SOAP message that is not WS-Discovery. */
    public static DiscoveryMessage read(SoapMessage m) throws MalformedMessageException {
        DpwsVersion v = m.version;
        Kind kind = Kind.ofAction(v, m.action());
        if (kind == null) {
            return null;
        }
        if (m.messageId() == null || m.messageId().isEmpty()) {
            throw new MalformedMessageException(kind.element + " without wsa:MessageID");
        }
        Element p = Xml.child(m.body, v.wsd, kind.element);
        if (p == null) {
            throw new MalformedMessageException(kind.element + " action with a body that is not wsd:" + kind.element);
        }
        List<Endpoint> eps = new ArrayList<>();
        List<QName> probeTypes = List.of();
        List<String> probeScopes = List.of();
        String matchBy = null;
        switch (kind) {
            case HELLO, BYE, RESOLVE -> eps.add(endpoint(v, p, kind != Kind.HELLO));
            case PROBE_MATCHES -> {
                for (Element e : Xml.children(p, v.wsd, "ProbeMatch")) {
                    eps.add(endpoint(v, e, false));
                }
            }
            case RESOLVE_MATCHES -> {
                for (Element e : Xml.children(p, v.wsd, "ResolveMatch")) {
                    eps.add(endpoint(v, e, false));
                }
            }
            case PROBE -> {
                probeTypes = qnames(Xml.child(p, v.wsd, "Types"));
                Element s = Xml.child(p, v.wsd, "Scopes");
                probeScopes = words(Xml.text(s));
                matchBy = s == null || !s.hasAttribute("MatchBy") ? null : s.getAttribute("MatchBy").trim();
            }
            default -> throw new IllegalStateException();
        }
        if (kind.element.endsWith("Matches") && eps.size() > 1 && kind == Kind.RESOLVE_MATCHES) {
            throw new MalformedMessageException("ResolveMatches with more than one ResolveMatch");
        }
        return new DiscoveryMessage(m, kind, List.copyOf(eps), probeTypes, probeScopes, matchBy);
    }

    /** The same message, acted on for some of its endpoints only (the others were refused). */
    DiscoveryMessage withEndpoints(List<Endpoint> kept) {
        return new DiscoveryMessage(soap, kind, List.copyOf(kept), probeTypes, probeScopes, matchBy);
    }

    private static Endpoint endpoint(DpwsVersion v, Element parent, boolean addressOnly)
            throws MalformedMessageException {
        Element epr = Xml.child(parent, v.wsa, "EndpointReference");
        String address = epr == null ? null : Xml.childText(epr, v.wsa, "Address");
        if (address == null || address.isEmpty()) {
            throw new MalformedMessageException(parent.getLocalName() + " without an endpoint reference address");
        }
        if (addressOnly) {
            return new Endpoint(address, List.of(), List.of(), List.of(), 0);
        }
        String mv = Xml.childText(parent, v.wsd, "MetadataVersion");
        long version;
        try {
            version = mv == null ? 0 : Long.parseUnsignedLong(mv);
        } catch (NumberFormatException e) {
            throw new MalformedMessageException("MetadataVersion is not a number");
        }
        return new Endpoint(address, qnames(Xml.child(parent, v.wsd, "Types")),
                words(Xml.childText(parent, v.wsd, "Scopes")), words(Xml.childText(parent, v.wsd, "XAddrs")),
                version);
    }

    static List<QName> qnames(Element types) throws MalformedMessageException {
        List<QName> out = new ArrayList<>();
        if (types == null) {
            return out;
        }
        for (String w : words(Xml.text(types))) {
            int colon = w.indexOf(':');
            String prefix = colon < 0 ? null : w.substring(0, colon);
            String ns = types.lookupNamespaceURI(prefix);
            if (ns == null) {
                throw new MalformedMessageException("type " + Xml.printable(w) + " has an undeclared prefix");
            }
            out.add(new QName(ns, w.substring(colon + 1)));
        }
        return out;
    }

    static List<String> words(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        return Arrays.asList(text.trim().split("\\s+"));
    }

    // ---- building ----

    public static SoapMessage hello(DpwsVersion v, Endpoint e, AppSequence seq) {
        SoapMessage m = SoapMessage.create(v, v.wsdAction("Hello"), v.discoveryTo, null);
        m.addAppSequence(seq);
        writeEndpoint(m, Xml.add(m.body, v.wsd, "wsd:Hello"), e, true);
        return m;
    }

    public static SoapMessage bye(DpwsVersion v, String address, AppSequence seq) {
        SoapMessage m = SoapMessage.create(v, v.wsdAction("Bye"), v.discoveryTo, null);
        m.addAppSequence(seq);
        writeAddress(m, Xml.add(m.body, v.wsd, "wsd:Bye"), address);
        return m;
    }

    public static SoapMessage probe(DpwsVersion v, List<QName> types, List<String> scopes) {
        SoapMessage m = SoapMessage.create(v, v.wsdAction("Probe"), v.discoveryTo, null);
        Element p = Xml.add(m.body, v.wsd, "wsd:Probe");
        if (!types.isEmpty()) {
            writeTypes(m, p, types);
        }
        if (!scopes.isEmpty()) {
            Xml.add(p, v.wsd, "wsd:Scopes", String.join(" ", scopes));
        }
        return m;
    }

    public static SoapMessage resolve(DpwsVersion v, String address) {
        SoapMessage m = SoapMessage.create(v, v.wsdAction("Resolve"), v.discoveryTo, null);
        writeAddress(m, Xml.add(m.body, v.wsd, "wsd:Resolve"), address);
        return m;
    }

    public static SoapMessage probeMatches(DpwsVersion v, String relatesTo, List<Endpoint> matches,
            AppSequence seq) {
        SoapMessage m = SoapMessage.create(v, v.wsdAction("ProbeMatches"), v.anonymous, relatesTo);
        m.addAppSequence(seq);
        Element p = Xml.add(m.body, v.wsd, "wsd:ProbeMatches");
        for (Endpoint e : matches) {
            writeEndpoint(m, Xml.add(p, v.wsd, "wsd:ProbeMatch"), e, true);
        }
        return m;
    }

    public static SoapMessage resolveMatches(DpwsVersion v, String relatesTo, Endpoint match, AppSequence seq) {
        SoapMessage m = SoapMessage.create(v, v.wsdAction("ResolveMatches"), v.anonymous, relatesTo);
        m.addAppSequence(seq);
        Element p = Xml.add(m.body, v.wsd, "wsd:ResolveMatches");
        writeEndpoint(m, Xml.add(p, v.wsd, "wsd:ResolveMatch"), match, true);
        return m;
    }

    private static void writeAddress(SoapMessage m, Element parent, String address) {
        Element epr = Xml.add(parent, m.version.wsa, "wsa:EndpointReference");
        Xml.add(epr, m.version.wsa, "wsa:Address", address);
    }

    private static void writeEndpoint(SoapMessage m, Element parent, Endpoint e, boolean withXAddrs) {
        DpwsVersion v = m.version;
        writeAddress(m, parent, e.address());
        if (!e.types().isEmpty()) {
            writeTypes(m, parent, e.types());
        }
        if (!e.scopes().isEmpty()) {
            Xml.add(parent, v.wsd, "wsd:Scopes", String.join(" ", e.scopes()));
        }
        if (withXAddrs && !e.xaddrs().isEmpty()) {
            Xml.add(parent, v.wsd, "wsd:XAddrs", String.join(" ", e.xaddrs()));
        }
        Xml.add(parent, v.wsd, "wsd:MetadataVersion", Long.toUnsignedString(e.metadataVersion()));
    }

    private static void writeTypes(SoapMessage m, Element parent, List<QName> types) {
        Element t = Xml.add(parent, m.version.wsd, "wsd:Types");
        StringBuilder text = new StringBuilder();
        int n = 0;
        for (QName q : types) {
            String prefix = t.lookupPrefix(q.getNamespaceURI());
            if (prefix == null) {
                prefix = "t" + n++;
                t.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:" + prefix, q.getNamespaceURI());
            }
            if (text.length() > 0) {
                text.append(' ');
            }
            text.append(prefix).append(':').append(q.getLocalPart());
        }
        t.setTextContent(text.toString());
    }
}
