package org.trusthub.security.network.zigbee;

/**
 * A ZigBee frame at one layer (NWK or APS) after parsing: the header as sent, the auxiliary security header if the
 * frame is secured, and the payload (ciphertext plus MIC as received, or plaintext once opened).
 *
 * @param header the NWK or APS header record
 * @param aux {@code null} for an unsecured frame
 */
public record ZigbeeFrame<H>(H header, ZigbeeAuxHeader aux, byte[] payload) {

    public ZigbeeFrame {
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    public boolean secured() {
        return aux != null;
    }
}
