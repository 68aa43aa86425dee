package org.trusthub.security.link.ieee802154;

/**
 * A MAC address field: none, short (16 bits) or extended (64 bits).
 *
 * @param mode 0 none, 2 short, 3 extended (the frame control's addressing mode)
 */
public record MacAddress(int mode, long value) {

    public static final MacAddress NONE = new MacAddress(0, 0);

    public MacAddress {
        if (mode != 0 && mode != 2 && mode != 3) {
            throw new IllegalArgumentException("addressing mode must be 0, 2 or 3, got " + mode);
        }
        if (mode == 0 && value != 0 || mode == 2 && (value & ~0xFFFFL) != 0) {
            throw new IllegalArgumentException("address does not fit its addressing mode");
        }
    }

    public static MacAddress shortAddress(int address) {
        return new MacAddress(2, address & 0xFFFFL);
    }

    public static MacAddress extended(long address) {
        return new MacAddress(3, address);
    }

    /** Length on the air in bytes. */
    public int length() {
        return mode == 0 ? 0 : mode == 2 ? 2 : 8;
    }

    public boolean isExtended() {
        return mode == 3;
    }

    @Override
    public String toString() {
        return mode == 0 ? "none" : mode == 2 ? String.format("0x%04x", value) : String.format("%016x", value);
    }
}
