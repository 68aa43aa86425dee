package org.trusthub.binding.dpws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;

import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** A fragment cut out of a secured envelope (an encrypted Body child) must carry its own namespace declarations. */
class NamespaceDeclarationTest {

    @Test
    void everyPrefixIsDeclaredInTheTreeItself() throws Exception {
        SoapMessage m = SoapMessage.create(DpwsVersion.DPWS_2009, DpwsVersion.WST_GET_RESPONSE, null, null);
        Element md = Xml.add(m.body, DpwsVersion.MEX, "mex:Metadata");
        Xml.add(md, DpwsVersion.MEX, "mex:MetadataSection");
        Xml.declareNamespaces(m.doc);
        assertEquals(DpwsVersion.MEX, md.getAttributeNS("http://www.w3.org/2000/xmlns/", "mex"));
        assertEquals(DpwsVersion.SOAP, m.doc.getDocumentElement().getAttributeNS("http://www.w3.org/2000/xmlns/",
                "soap"));
        // Serialised alone, without namespace fix-up, the fragment is still well-formed namespace-wise.
        var t = TransformerFactory.newDefaultInstance().newTransformer();
        t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
        StringWriter w = new StringWriter();
        t.transform(new DOMSource(md), new StreamResult(w));
        assertTrue(w.toString().startsWith("<mex:Metadata xmlns:mex=\"" + DpwsVersion.MEX + "\""), w.toString());
        Xml.parse(w.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), Xml.MAX_HTTP);
        // The inner element relies on its parent's declaration: nothing is written twice.
        assertTrue(!((Element) md.getFirstChild()).hasAttributeNS("http://www.w3.org/2000/xmlns/", "mex"));
    }
}
