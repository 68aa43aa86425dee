package org.trusthub.binding.dpws.internal;

/**
 * The two generations of the DPWS stack seen on networks: DPWS 1.1 (OASIS 2009) and the 2006 draft that Windows
 * and wsdd speak. A reply always uses the generation of the request, so older peers understand it.
 */
public enum DpwsVersion {

    DPWS_2009("http://www.w3.org/2005/08/addressing",
            "http://www.w3.org/2005/08/addressing/anonymous",
            "http://docs.oasis-open.org/ws-dd/ns/discovery/2009/01",
            "urn:docs-oasis-open-org:ws-dd:ns:discovery:2009:01",
            "http://docs.oasis-open.org/ws-dd/ns/dpws/2009/01"),
    DPWS_2006("http://schemas.xmlsoap.org/ws/2004/08/addressing",
            "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous",
            "http://schemas.xmlsoap.org/ws/2005/04/discovery",
            "urn:schemas-xmlsoap-org:ws:2005:04:discovery",
            "http://schemas.xmlsoap.org/ws/2006/02/devprof");

    public static final String SOAP = "http://www.w3.org/2003/05/soap-envelope";
    public static final String MEX = "http://schemas.xmlsoap.org/ws/2004/09/mex";
    public static final String WST = "http://schemas.xmlsoap.org/ws/2004/09/transfer";
    public static final String WSE = "http://schemas.xmlsoap.org/ws/2004/08/eventing";
    public static final String WSDL = "http://schemas.xmlsoap.org/wsdl/";
    public static final String WSDL_SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/";
    public static final String WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
    public static final String MEX_GET_METADATA = MEX + "/GetMetadata/Request";
    public static final String MEX_GET_METADATA_RESPONSE = MEX + "/GetMetadata/Response";
    public static final String WST_GET = WST + "/Get";
    public static final String WST_GET_RESPONSE = WST + "/GetResponse";

    public final String wsa;
    public final String anonymous;
    public final String wsd;
    /** The wsa:To of multicast discovery messages. */
    public final String discoveryTo;
    public final String dpws;

    DpwsVersion(String wsa, String anonymous, String wsd, String discoveryTo, String dpws) {
        this.wsa = wsa;
        this.anonymous = anonymous;
        this.wsd = wsd;
        this.discoveryTo = discoveryTo;
        this.dpws = dpws;
    }

    public String wsdAction(String name) {
        return wsd + "/" + name;
    }

    public String wsaFault() {
        return wsa + "/fault";
    }

    /** The version whose WS-Addressing namespace this is, or null. */
    public static DpwsVersion ofAddressing(String namespace) {
        for (DpwsVersion v : values()) {
            if (v.wsa.equals(namespace)) {
                return v;
            }
        }
        return null;
    }
}
