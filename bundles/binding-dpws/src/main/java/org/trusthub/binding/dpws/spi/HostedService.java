package org.trusthub.binding.dpws.spi;

import java.util.Optional;
import java.util.Set;

import javax.xml.namespace.QName;

import org.osgi.annotation.versioning.ConsumerType;
import org.trusthub.api.thing.ThingId;
import org.w3c.dom.Element;

/**
 * A DPWS hosted service another bundle contributes to the devices the binding hosts (whiteboard: register it as an
 * OSGi service; the binding picks it up while it is registered and drops it when it goes away). Each hosted device
 * then lists it in its WS-Transfer metadata ({@code dpws:Relationship/dpws:Hosted}) with its own endpoint
 * {@code /dpws/<device uuid>/<}{@link #name()}{@code >}, answers WS-MetadataExchange GetMetadata there with
 * {@link #wsdl}, and hands every request whose action is one of {@link #actions()} to {@link #invoke}.
 *
 * <p>The binding has already verified the request's message security (as for its own operations: the hosted
 * thing's policy, WS-Security through the {@link SoapSecurity} seam) before {@code invoke} runs, and secures the
 * answer the same way. A service whose requests authenticate themselves (a MAC inside the body) may accept
 * unauthenticated callers; one that needs a caller must refuse when {@link HostedRequest#caller()} is empty.
 */
@ConsumerType
public interface HostedService {

    /** The {@code dpws:ServiceId} of a contributed service is this prefix followed by its {@link #name()}. */
    String SERVICE_ID_PREFIX = "urn:trusthub:service:";

    /**
     * The path segment of the service's endpoint under each hosted device, and the last part of its
     * {@code dpws:ServiceId} ({@value #SERVICE_ID_PREFIX}name): 1 to 32 characters of {@code [a-z0-9-]}, not
     * {@code thing} (the binding's own service). A second service with a name already taken is ignored (logged).
     */
    String name();

    /** The port type announced in {@code dpws:Types} of the hosted service. */
    QName serviceType();

    /** The input actions this service answers (WS-Addressing Action URIs); at least one. */
    Set<String> actions();

    /**
     * Whether the service's requests and answers protect themselves (a MAC or AEAD inside the body, as a token
     * service's RST and RSTR do). Then a request without a {@code wsse:Security} header is not held to the hosted
     * thing's WS-Security policy, and its answer goes out without WS-Security; a request that does carry a security
     * header is still verified as usual. Default false: the hosted thing's policy applies to every request.
     */
    default boolean authenticatesItself() {
        return false;
    }

    /** Whether the service is offered on the device of this hosted thing (default: on every hosted device). */
    default boolean hostedOn(ThingId hostedThing) {
        return true;
    }

    /**
     * Appends the service's {@code wsdl:definitions} to {@code section} (a {@code mex:MetadataSection} with the WSDL
     * dialect), with {@code address} as the port's location. Default: no WSDL (the section stays empty).
     */
    default void wsdl(Element section, String address) {
    }

    /**
     * Answers one request.
     *
     * @return the answer: its action and the element that becomes the only child of the response Body (from any
     *         document; the binding imports it), or an empty body for an empty response
     * @throws HostedServiceException for a request this service refuses; the binding answers with a SOAP Sender
     *         fault carrying the exception's message and subcode
     */
    HostedResponse invoke(HostedRequest request) throws HostedServiceException;

    /** The answer of {@link #invoke}. */
    record HostedResponse(String action, Optional<Element> body) {
        public HostedResponse {
            java.util.Objects.requireNonNull(action, "action");
            java.util.Objects.requireNonNull(body, "body");
        }
    }
}
