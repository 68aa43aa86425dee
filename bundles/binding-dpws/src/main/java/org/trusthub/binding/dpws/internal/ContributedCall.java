package org.trusthub.binding.dpws.internal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import javax.xml.namespace.QName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.security.Authenticated;
import org.trusthub.binding.dpws.spi.HostedRequest;
import org.trusthub.binding.dpws.spi.HostedService;
import org.trusthub.binding.dpws.spi.HostedServiceException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** One verified request to a contributed {@link HostedService}: its metadata, or one of its operations. */
final class ContributedCall {

    private static final Logger LOG = LoggerFactory.getLogger(ContributedCall.class);

    /** The service refused: a Sender fault with the service's subcode and message. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient QName subcode;
        private final String code;

        Refused(QName subcode, String message) {
            this("Sender", subcode, message);
        }

        Refused(String code, QName subcode, String message) {
            super(message);
            this.code = code;
            this.subcode = subcode;
        }

        SoapMessage fault(DpwsVersion v, String relatesTo) {
            SoapMessage f = SoapMessage.fault(v, relatesTo, code, null, getMessage());
            if (subcode != null) {
                Element code = Xml.child(Xml.child(f.body, DpwsVersion.SOAP, "Fault"), DpwsVersion.SOAP, "Code");
                Element sc = f.doc.createElementNS(DpwsVersion.SOAP, "soap:Subcode");
                code.appendChild(sc);
                Element value = Xml.add(sc, DpwsVersion.SOAP, "soap:Value", "sc:" + subcode.getLocalPart());
                value.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:sc", subcode.getNamespaceURI());
            }
            return f;
        }
    }

    // A service that authenticates itself is called without WS-Security: anyone can make it fail.
    private static final LogLimiter LOGS = new LogLimiter(Duration.ofMinutes(1), 1);

    private ContributedCall() {
    }

    static SoapMessage call(HostedService service, DeviceHost.Hosted h, SoapMessage m, Optional<Authenticated> caller,
            String base) throws MalformedMessageException, Refused {
        DpwsVersion v = m.version;
        String action = m.action();
        if (DpwsVersion.MEX_GET_METADATA.equals(action)) {
            SoapMessage r = SoapMessage.create(v, DpwsVersion.MEX_GET_METADATA_RESPONSE, v.anonymous,
                    m.messageId());
            Element md = Xml.add(r.body, DpwsVersion.MEX, "mex:Metadata");
            Element s = Xml.add(md, DpwsVersion.MEX, "mex:MetadataSection");
            s.setAttribute("Dialect", DpwsVersion.WSDL);
            s.setAttribute("Identifier", service.serviceType().getNamespaceURI());
            try {
                service.wsdl(s, base + h.devicePath() + "/" + service.name());
            } catch (RuntimeException e) {
                OptionalLong due = LOGS.admit("wsdl");
                if (due.isPresent()) {
                    long held = due.getAsLong();
                    LOG.warn("DPWS: hosted service '{}' failed to write its WSDL: {} ({} more since the last report)",
                            service.name(), e.toString(), held);
                }
                throw new MalformedMessageException("the service's metadata is not available");
            }
            return r;
        }
        if (action == null || !service.actions().contains(action)) {
            throw new MalformedMessageException("no operation with action " + Xml.printable(action));
        }
        List<Element> children = Xml.children(m.body, null, null);
        if (children.size() > 1) {
            throw new MalformedMessageException("the Body must hold at most one element");
        }
        HostedRequest request = new HostedRequest(h.thing(), action,
                children.isEmpty() ? Optional.empty() : Optional.of(children.get(0)),
                caller);
        HostedService.HostedResponse answer;
        try {
            answer = service.invoke(request);
        } catch (HostedServiceException e) {
            throw new Refused(e.subcode(), e.getMessage() == null ? "refused" : e.getMessage());
        } catch (RuntimeException e) {
            // A contributor's bug must not leak its details (or take the HTTP server down): a plain Receiver fault.
            OptionalLong due = LOGS.admit("failed");
            if (due.isPresent()) {
                long held = due.getAsLong();
                LOG.warn("DPWS: hosted service '{}' failed on {}: {} ({} more failures since the last report)",
                        service.name(), Xml.printable(action), e.toString(), held);
            }
            throw new Refused("Receiver", null, "the service failed to answer");
        }
        if (answer == null) {
            throw new Refused("Receiver", null, "the service gave no answer");
        }
        SoapMessage r = SoapMessage.create(v, answer.action(), v.anonymous, m.messageId());
        if (answer.body().isPresent()) {
            Node copy = r.doc.importNode(answer.body().get(), true);
            r.body.appendChild(copy);
        }
        return r;
    }
}
