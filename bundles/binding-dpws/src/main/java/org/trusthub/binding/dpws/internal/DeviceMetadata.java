package org.trusthub.binding.dpws.internal;

import static org.trusthub.binding.dpws.internal.DpwsVersion.MEX;

import java.util.ArrayList;
import java.util.List;

import org.trusthub.binding.dpws.internal.DeviceHost.Hosted;
import org.trusthub.binding.dpws.spi.HostedService;
import org.w3c.dom.Element;

/**
 * What a hosted device says about itself (DPWS ThisModel, ThisDevice and Relationship metadata): its model, its
 * identity, and the hosted services it offers, each at the host and port the client reached the hub at; and, as a
 * client, reading the same of another device.
 */
final class DeviceMetadata {

    private DeviceMetadata() {
    }

    /**
     * The device's metadata, the answer to WS-Transfer Get on its device path.
     *
     * @param requestBase the scheme, host and port the client reached the hub at, which the service addresses use
     * @param contributed the contributed services offered on the device
     */
    static SoapMessage get(Hosted h, SoapMessage m, String requestBase, List<HostedService> contributed)
            throws MalformedMessageException {
        DpwsVersion v = m.version;
        if (!DpwsVersion.WST_GET.equals(m.action())) {
            throw new MalformedMessageException("the device endpoint answers WS-Transfer Get only, not "
                    + Xml.printable(m.action()));
        }
        SoapMessage r = SoapMessage.create(v, DpwsVersion.WST_GET_RESPONSE, v.anonymous, m.messageId());
        String p = SoapMessage.dpwsPrefix(v);
        Element md = Xml.add(r.body, MEX, "mex:Metadata");
        Element s = section(md, v.dpws + "/ThisModel");
        Element model = Xml.add(s, v.dpws, p + ":ThisModel");
        Xml.add(model, v.dpws, p + ":Manufacturer", "trusthub");
        Xml.add(model, v.dpws, p + ":ModelName", "trusthub hosted thing");
        s = section(md, v.dpws + "/ThisDevice");
        Element dev = Xml.add(s, v.dpws, p + ":ThisDevice");
        Xml.add(dev, v.dpws, p + ":FriendlyName", h.thing().value());
        Xml.add(dev, v.dpws, p + ":FirmwareVersion", "1.0");
        Xml.add(dev, v.dpws, p + ":SerialNumber", h.thing().value());
        s = section(md, v.dpws + "/Relationship");
        Element rel = relationship(s, v, h);
        thingService(rel, v, requestBase + h.servicePath());
        for (HostedService c : contributed) {
            Element cs = Xml.add(rel, v.dpws, p + ":Hosted");
            Element cepr = Xml.add(cs, v.wsa, "wsa:EndpointReference");
            Xml.add(cepr, v.wsa, "wsa:Address", requestBase + h.devicePath() + "/" + c.name());
            Element ct = Xml.add(cs, v.dpws, p + ":Types", "cs:" + c.serviceType().getLocalPart());
            ct.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:cs", c.serviceType().getNamespaceURI());
            Xml.add(cs, v.dpws, p + ":ServiceId", HostedService.SERVICE_ID_PREFIX
                    + c.name());
        }
        return r;
    }

    /**
     * The hosted thing service's own metadata, the answer to GetMetadata (and, for DPWS 2006 clients, WS-Transfer
     * Get) on its endpoint: its WSDL, and the Relationship that names its host device and the service itself.
     */
    static void service(Element body, DpwsVersion v, Hosted h, String requestBase) {
        Element md = Xml.add(body, MEX, "mex:Metadata");
        Element s = section(md, DpwsVersion.WSDL);
        s.setAttribute("Identifier", DeviceHost.TH);
        String serviceUrl = requestBase + h.servicePath();
        Wsdl.thingService(s, serviceUrl, v);
        Element rel = relationship(section(md, v.dpws + "/Relationship"), v, h);
        thingService(rel, v, serviceUrl);
    }

    // A Relationship of type host, naming the device as the Host.
    private static Element relationship(Element section, DpwsVersion v, Hosted h) {
        String p = SoapMessage.dpwsPrefix(v);
        Element rel = Xml.add(section, v.dpws, p + ":Relationship");
        rel.setAttribute("Type", v.dpws + "/host");
        Element host = Xml.add(rel, v.dpws, p + ":Host");
        Element hostEpr = Xml.add(host, v.wsa, "wsa:EndpointReference");
        Xml.add(hostEpr, v.wsa, "wsa:Address", h.address());
        Element types = Xml.add(host, v.dpws, p + ":Types", p + ":Device th:"
                + DeviceHost.THING_DEVICE_TYPE.getLocalPart());
        types.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:th", DeviceHost.TH);
        return rel;
    }

    // The Hosted entry of the thing service.
    private static void thingService(Element rel, DpwsVersion v, String serviceUrl) {
        String p = SoapMessage.dpwsPrefix(v);
        Element svc = Xml.add(rel, v.dpws, p + ":Hosted");
        Element epr = Xml.add(svc, v.wsa, "wsa:EndpointReference");
        Xml.add(epr, v.wsa, "wsa:Address", serviceUrl);
        Element types = Xml.add(svc, v.dpws, p + ":Types", "th:" + DeviceHost.THING_PORT_TYPE.getLocalPart());
        types.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:th", DeviceHost.TH);
        Xml.add(svc, v.dpws, p + ":ServiceId", DeviceHost.SERVICE_ID);
    }

    static Element section(Element metadata, String dialect) {
        Element s = Xml.add(metadata, MEX, "mex:MetadataSection");
        s.setAttribute("Dialect", dialect);
        return s;
    }

    /** Reads a device's metadata (the answer to WS-Transfer Get on its device endpoint), as a client. */
    static DiscoveredDevice.Metadata read(SoapMessage r, DpwsVersion v) throws MalformedMessageException {
        Element md = Xml.child(r.body, MEX, "Metadata");
        if (md == null) {
            throw new MalformedMessageException("GetResponse without mex:Metadata");
        }
        String friendly = null;
        String manufacturer = null;
        String model = null;
        String firmware = null;
        String serial = null;
        List<DiscoveredDevice.HostedService> services = new ArrayList<>();
        for (Element s : Xml.children(md, MEX, "MetadataSection")) {
            String dialect = s.getAttribute("Dialect");
            if (dialect.equals(v.dpws + "/ThisModel")) {
                Element m = Xml.child(s, v.dpws, "ThisModel");
                manufacturer = Xml.childText(m, v.dpws, "Manufacturer");
                model = Xml.childText(m, v.dpws, "ModelName");
            } else if (dialect.equals(v.dpws + "/ThisDevice")) {
                Element d = Xml.child(s, v.dpws, "ThisDevice");
                friendly = Xml.childText(d, v.dpws, "FriendlyName");
                firmware = Xml.childText(d, v.dpws, "FirmwareVersion");
                serial = Xml.childText(d, v.dpws, "SerialNumber");
            } else if (dialect.equals(v.dpws + "/Relationship")) {
                for (Element rel : Xml.children(s, v.dpws, "Relationship")) {
                    for (Element h : Xml.children(rel, v.dpws, "Hosted")) {
                        for (Element epr : Xml.children(h, v.wsa, "EndpointReference")) {
                            services.add(new DiscoveredDevice.HostedService(Xml.childText(epr, v.wsa, "Address"),
                                    DiscoveryMessage.qnames(Xml.child(h, v.dpws, "Types")),
                                    Xml.childText(h, v.dpws, "ServiceId"), List.of(), null));
                        }
                    }
                }
            }
        }
        return new DiscoveredDevice.Metadata(friendly, manufacturer, model, firmware, serial, List.copyOf(services));
    }
}
