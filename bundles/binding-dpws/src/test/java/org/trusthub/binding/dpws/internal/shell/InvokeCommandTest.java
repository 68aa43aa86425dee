package org.trusthub.binding.dpws.internal.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.internal.DiscoveredDevice;
import org.trusthub.binding.dpws.internal.DpwsStack;
import org.trusthub.binding.dpws.internal.DpwsVersion;
import org.trusthub.binding.dpws.internal.Policies;
import org.trusthub.binding.dpws.internal.ReferencedWsdlDevice;
import org.trusthub.binding.dpws.internal.ThingSource;

/** dpws-invoke calls another vendor's device's operation as its (referenced) WSDL describes it. */
class InvokeCommandTest {

    ReferencedWsdlDevice device;
    DpwsStack stack;
    final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        device = new ReferencedWsdlDevice();
        device.mode = ReferencedWsdlDevice.Mode.REFERENCE;
        DpwsStack.Config c = DpwsStack.Config.loopback("hub");
        stack = new DpwsStack(new DpwsStack.Config(c.interfaces(), 0, 0, true, false, true, false, "hub",
                Duration.ofSeconds(5)), new ThingSource() {
                    @Override
                    public List<ThingId> hosted() {
                        return List.of();
                    }

                    @Override
                    public Optional<String> state(ThingId thing) {
                        return Optional.empty();
                    }
                }, Policies.plain());
        stack.start();
        device.helloTo(stack, DpwsVersion.DPWS_2009);
    }

    @AfterEach
    void stop() {
        stack.close();
        device.close();
    }

    String invoke(String dev, String service, String operation, String input) throws Exception {
        InvokeCommand c = new InvokeCommand();
        c.device = dev;
        c.service = service;
        c.operation = operation;
        c.input = input;
        c.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        c.run(stack);
        return printed.toString(StandardCharsets.UTF_8);
    }

    String thing() {
        return stack.client().device(device.address).map(DiscoveredDevice::thing).orElseThrow().value();
    }

    @Test
    void jsonInputBecomesTheInputElementAndTheAnswerIsPrinted() throws Exception {
        String out = invoke(thing(), "urn:vendor:echo", "Echo", "\"hello\"");
        assertTrue(out.startsWith("Echo answered " + ReferencedWsdlDevice.NS + "/EchoPortType/EchoResponse"), out);
        assertTrue(out.contains(">hello</"), out);
        assertEquals(1, device.echoes.get());
    }

    @Test
    void xmlInputIsSentAsItIsByPortTypeName() throws Exception {
        String out = invoke(device.address, "EchoPortType", "Echo", "<e:Echo xmlns:e=\"" + ReferencedWsdlDevice.NS
                + "\">hi there</e:Echo>");
        assertTrue(out.contains(">hi there</"), out);
    }

    @Test
    void unknownNamesAndBadInputAreRefusedAndNothingIsSent() {
        assertEquals("no discovered device dpws:nope (trusthub:dpws-devices --probe finds devices)", assertThrows(
                IllegalArgumentException.class, () -> invoke("dpws:nope", "urn:vendor:echo", "Echo", "1"))
                .getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> invoke(thing(), "urn:other", "Echo", "1"))
                .getMessage().endsWith("has no hosted service urn:other (it has: urn:vendor:echo)"));
        assertEquals("service urn:vendor:echo has no operation Shout (it has: Echo, Ticked)", assertThrows(
                IllegalArgumentException.class, () -> invoke(thing(), "urn:vendor:echo", "Shout", "1")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> invoke(thing(), "urn:vendor:echo", "Ticked",
                null)).getMessage().contains("is an event"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> invoke(thing(), "urn:vendor:echo", "Echo",
                "{\"a\": }")).getMessage().startsWith("bad input: neither XML nor valid JSON"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> invoke(thing(), "urn:vendor:echo", "Echo",
                "<x:Other xmlns:x=\"urn:x\"/>")).getMessage().contains("the operation's input element is"));
        assertEquals(0, device.echoes.get(), "nothing reached the device");
    }
}
