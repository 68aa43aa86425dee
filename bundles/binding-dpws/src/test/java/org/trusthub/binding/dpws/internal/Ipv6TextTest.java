package org.trusthub.binding.dpws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** XAddrs carry IPv6 addresses in their RFC 5952 text, as peers print and compare them. */
class Ipv6TextTest {

    @Test
    void longestZeroRunBecomesDoubleColon() {
        assertEquals("fe80::3812:69ff:fe55:aede", DeviceHost.compact("fe80:0:0:0:3812:69ff:fe55:aede"));
        assertEquals("2001:db8::1:0:0:1", DeviceHost.compact("2001:db8:0:0:1:0:0:1"));
        assertEquals("::1", DeviceHost.compact("0:0:0:0:0:0:0:1"));
        assertEquals("2001:db8:0:1:1:1:1:1", DeviceHost.compact("2001:db8:0:1:1:1:1:1"));
        assertEquals("ff02::c", DeviceHost.compact("ff02:0:0:0:0:0:0:c"));
        assertEquals("1::", DeviceHost.compact("1:0:0:0:0:0:0:0"));
    }
}
