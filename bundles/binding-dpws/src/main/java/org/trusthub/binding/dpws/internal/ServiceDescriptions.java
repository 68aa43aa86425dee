package org.trusthub.binding.dpws.internal;

import static org.trusthub.binding.dpws.internal.DpwsVersion.MEX;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.binding.dpws.spi.SoapSecurityException;
import org.w3c.dom.Element;

/**
 * Reads a hosted service's operations out of its metadata: the WSDL inline, or the WSDL the metadata only refers to
 * (mex:Location, a URL; mex:MetadataReference, an endpoint answering WS-Transfer Get). A referenced WSDL is fetched
 * only from the device's own host, over the device's own scheme, within the HTTP timeout and {@link #MAX_WSDL}
 * bytes, and with the device's security: a MetadataReference is asked like any other request to the device (signed
 * and verified as the policy requires); a URL carries no WS-Security, so it is fetched only when the policy
 * requires no message protection of the device. Whatever is not read leaves the operations unknown, with the
 * reason, never an empty list that looks like a service without operations.
 */
final class ServiceDescriptions {

    /** The largest referenced WSDL document fetched by URL. */
    static final int MAX_WSDL = 256 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ServiceDescriptions.class);
    // A device decides what its metadata says, and how often it is read: said once a minute.
    private final LogLimiter logs = new LogLimiter(Duration.ofMinutes(1), 1);

    /** The operations read, or (operations empty) why they are unknown. */
    record Result(List<Wsdl.Operation> operations, String unknown) {
    }

    /** A SOAP request to the device, secured and verified as every request to it is. */
    interface Requests {
        SoapMessage exchange(DiscoveredDevice d, URI to, SoapMessage request)
                throws IOException, MalformedMessageException, SoapSecurityException;
    }

    private final DpwsStack stack;
    private final Requests requests;

    ServiceDescriptions(DpwsStack stack, Requests requests) {
        this.stack = stack;
        this.requests = requests;
    }

    /** The operations a service's mex:Metadata describes, fetching referenced WSDL under the rules above. */
    Result read(DiscoveredDevice d, String service, Element metadata) {
        List<Wsdl.Operation> ops = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        boolean anyWsdl = false;
        for (Element s : Xml.children(metadata, MEX, "MetadataSection")) {
            if (!DpwsVersion.WSDL.equals(s.getAttribute("Dialect").trim())) {
                continue;
            }
            anyWsdl = true;
            Element defs = Xml.child(s, DpwsVersion.WSDL, "definitions");
            Element location = Xml.child(s, MEX, "Location");
            Element reference = Xml.child(s, MEX, "MetadataReference");
            try {
                if (defs != null) {
                    ops.addAll(Wsdl.operations(defs));
                } else if (location != null) {
                    ops.addAll(Wsdl.operations(byLocation(d, Xml.text(location))));
                } else if (reference != null) {
                    ops.addAll(Wsdl.operations(byReference(d, reference)));
                } else {
                    problems.add("a WSDL section holds neither a WSDL, a Location nor a MetadataReference");
                }
            } catch (IOException | MalformedMessageException | SoapSecurityException e) {
                problems.add(e.getMessage());
            }
        }
        if (!anyWsdl) {
            problems.add("its metadata has no WSDL section");
        }
        if (ops.isEmpty() && !problems.isEmpty()) {
            String why = Xml.printable(String.join("; ", problems));
            OptionalLong due = logs.admit("unknown");
            if (due.isPresent()) {
                LOG.warn("DPWS: the operations of service {} of device {} are unknown: {} ({} more since the last "
                        + "report)", Xml.printable(service), Xml.printable(d.address()), why, due.getAsLong());
            }
            return new Result(List.of(), why);
        }
        return new Result(List.copyOf(ops), null);
    }

    private Element byLocation(DiscoveredDevice d, String url) throws IOException, MalformedMessageException {
        URI to = sameHost(d, url);
        if (stack.security().requiresSignature(d.thing())) {
            throw new IOException("the WSDL is only referenced by URL (" + Xml.printable(url) + "), which carries no "
                    + "WS-Security, and the policy requires " + stack.policyLabel(d.thing()) + " of " + d.thing()
                    + ": not fetched");
        }
        byte[] body;
        try {
            body = stack.http().get(to, d.thing(), MAX_WSDL);
        } catch (IOException e) {
            throw new IOException("the WSDL at " + Xml.printable(url) + " could not be fetched: " + e.getMessage(), e);
        }
        return definitions(Xml.parse(body, MAX_WSDL).getDocumentElement(), url);
    }

    private Element byReference(DiscoveredDevice d, Element reference)
            throws IOException, MalformedMessageException, SoapSecurityException {
        DpwsVersion v = d.version();
        String address = Xml.childText(reference, v.wsa, "Address");
        if (address == null || address.isEmpty()) {
            throw new MalformedMessageException("a MetadataReference without a " + v.wsa + " Address");
        }
        URI to = sameHost(d, address);
        SoapMessage get = SoapMessage.create(v, DpwsVersion.WST_GET, address, null);
        Element params = Xml.child(reference, v.wsa, "ReferenceParameters");
        for (Element p : Xml.children(params, null, null)) {
            Element copy = (Element) get.doc.importNode(p, true);
            copy.setAttributeNS(v.wsa, "wsa:IsReferenceParameter", "true");
            get.header.appendChild(copy);
        }
        SoapMessage r;
        try {
            r = requests.exchange(d, to, get);
        } catch (IOException e) {
            throw new IOException("the WSDL referenced at " + Xml.printable(address) + " could not be fetched: "
                    + e.getMessage(), e);
        }
        if (r == null) {
            throw new MalformedMessageException("the MetadataReference " + Xml.printable(address)
                    + " answered with no envelope");
        }
        Element defs = Xml.child(r.body, DpwsVersion.WSDL, "definitions");
        if (defs != null) {
            return defs;
        }
        for (Element s : Xml.children(Xml.child(r.body, MEX, "Metadata"), MEX, "MetadataSection")) {
            Element inline = Xml.child(s, DpwsVersion.WSDL, "definitions");
            if (DpwsVersion.WSDL.equals(s.getAttribute("Dialect").trim()) && inline != null) {
                return inline;
            }
        }
        throw new MalformedMessageException("the MetadataReference " + Xml.printable(address)
                + " answered without an inline WSDL");
    }

    private static Element definitions(Element root, String url) throws MalformedMessageException {
        if (root == null || !DpwsVersion.WSDL.equals(root.getNamespaceURI())
                || !"definitions".equals(root.getLocalName())) {
            throw new MalformedMessageException("the document at " + Xml.printable(url) + " is not a WSDL 1.1 "
                    + "wsdl:definitions");
        }
        return root;
    }

    /**
     * The reference as a URI, if it names the host, port and scheme of one of the device's own HTTP transport
     * addresses: a device may not send the hub to fetch from another host or another service on its host (the hub's
     * own consoles on a loopback device, say), or over a weaker scheme than its own.
     */
    static URI sameHost(DiscoveredDevice d, String reference) throws IOException {
        URI to;
        try {
            to = new URI(reference.trim());
        } catch (java.net.URISyntaxException e) {
            throw new IOException("the WSDL reference " + Xml.printable(reference) + " is not a URI");
        }
        String host = to.getHost();
        String scheme = to.getScheme() == null ? "" : to.getScheme().toLowerCase(Locale.ROOT);
        for (String x : d.xaddrs()) {
            URI xaddr;
            try {
                xaddr = new URI(x);
            } catch (java.net.URISyntaxException e) {
                continue;
            }
            if (host != null && host.equalsIgnoreCase(xaddr.getHost())
                    && scheme.equals(String.valueOf(xaddr.getScheme()).toLowerCase(Locale.ROOT))
                    && port(to) == port(xaddr)) {
                return to;
            }
        }
        throw new IOException("the WSDL reference " + Xml.printable(reference) + " is not on the device's own host, "
                + "port and scheme (" + Xml.printable(String.join(" ", d.xaddrs())) + "): not fetched");
    }

    private static int port(URI u) {
        if (u.getPort() >= 0) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }
}
