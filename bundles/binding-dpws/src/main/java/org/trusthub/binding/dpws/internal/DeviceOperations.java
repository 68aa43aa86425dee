package org.trusthub.binding.dpws.internal;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

import org.trusthub.binding.dpws.spi.SoapSecurityException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Calls an operation of a discovered device by the names an operator uses: the device (endpoint address or
 * {@code dpws:<uuid>} thing id), the hosted service (its ServiceId, address or portType name) and the operation
 * (its name in the service's WSDL), with input as {@link InvokeInput} takes it. Every name that does not resolve is
 * refused with what there is instead; nothing is sent then.
 */
public final class DeviceOperations {

    /** What was called and what it answered (null for a one-way operation). */
    public record Outcome(DiscoveredDevice device, DiscoveredDevice.HostedService service, Wsdl.Operation operation,
            SoapMessage response) {

        /** The answer's payload as one line of XML, or null for a one-way operation or an empty body. */
        public String payload() {
            return payloadOf(response);
        }
    }

    /** A message's payload as one line of XML, or null for no message or an empty body. */
    static String payloadOf(SoapMessage response) {
        Element e = response == null ? null : Xml.firstElement(response.body);
        if (e == null) {
            return null;
        }
        Document d = Xml.newDocument();
        d.appendChild(d.importNode(e, true));
        return new String(Xml.serialize(d), java.nio.charset.StandardCharsets.UTF_8)
                .replaceFirst("^<\\?xml[^>]*\\?>", "").strip();
    }

    private final DpwsClient client;

    public DeviceOperations(DpwsClient client) {
        this.client = client;
    }

    /** The device with this endpoint address or thing id. */
    public DiscoveredDevice device(String name) {
        return client.devices().stream().filter(d -> d.address().equals(name) || d.thing().value().equals(name))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no discovered device "
                        + Xml.printable(name) + " (trusthub:dpws-devices --probe finds devices)"));
    }

    /** The hosted service of the device by ServiceId, address or portType name, its operations read. */
    public DiscoveredDevice.HostedService service(DiscoveredDevice d, String name)
            throws IOException, MalformedMessageException, SoapSecurityException {
        DiscoveredDevice known = d.metadata() == null ? client.fetchMetadata(d.address()) : d;
        List<DiscoveredDevice.HostedService> services = known.metadata().services();
        DiscoveredDevice.HostedService s = services.stream().filter(x -> name.equals(x.serviceId())
                || name.equals(x.address()) || x.types().stream().anyMatch(t -> t.getLocalPart().equals(name)))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("device " + d.thing()
                        + " has no hosted service " + Xml.printable(name) + " (it has: " + (services.isEmpty()
                                ? "none" : services.stream().map(x -> String.valueOf(x.serviceId()))
                                        .collect(Collectors.joining(", "))) + ")"));
        return client.serviceOperations(d.address(), s.address());
    }

    /** The operation of the service by name; an event or a service whose operations are unknown is refused. */
    public static Wsdl.Operation operation(DiscoveredDevice.HostedService s, String name) {
        if (s.unknown() != null) {
            throw new IllegalArgumentException("the operations of service " + Xml.printable(s.serviceId())
                    + " are unknown: " + s.unknown());
        }
        Wsdl.Operation op = s.operations().stream().filter(o -> o.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("service " + Xml.printable(s.serviceId())
                        + " has no operation " + Xml.printable(name) + " (it has: " + (s.operations().isEmpty()
                                ? "none" : s.operations().stream().map(Wsdl.Operation::name)
                                        .collect(Collectors.joining(", "))) + ")"));
        if (op.isEvent()) {
            throw new IllegalArgumentException(name + " is an event of service " + Xml.printable(s.serviceId())
                    + ", not an operation to invoke: subscribe to it");
        }
        return op;
    }

    /** Resolves the names, builds the input and invokes the operation. */
    public Outcome invoke(String device, String service, String operation, String input)
            throws IOException, MalformedMessageException, SoapSecurityException {
        DiscoveredDevice d = device(device);
        DiscoveredDevice.HostedService s = service(d, service);
        Wsdl.Operation op = operation(s, operation);
        return call(d, s, op, input);
    }

    /** Invokes a resolved operation with input as {@link InvokeInput} takes it. */
    public Outcome call(DiscoveredDevice d, DiscoveredDevice.HostedService s, Wsdl.Operation op, String input)
            throws IOException, MalformedMessageException, SoapSecurityException {
        Element payload = InvokeInput.parse(input, op.inputElement());
        SoapMessage r = client.invoke(d.address(), s.address(), op.inputAction(), payload);
        if (r != null && op.outputAction() != null && !op.outputAction().equals(r.action())) {
            throw new MalformedMessageException("the device answered " + Xml.printable(r.action())
                    + " where the WSDL says " + Xml.printable(op.outputAction()));
        }
        return new Outcome(d, s, op, r);
    }
}
