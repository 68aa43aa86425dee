package org.trusthub.binding.dpws.internal.shell;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.internal.DpwsStack;
import org.trusthub.binding.dpws.internal.MessageSecurity;
import org.trusthub.binding.dpws.internal.ThingSource;
import org.trusthub.binding.dpws.internal.wss.WsSecurityBridge;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.security.wss.internal.WsSecurityComponent;

/** trusthub:dpws-hosted shows each hosted thing's whole policy and the full URL of its endpoint, port included. */
class HostedCommandTest {

    @TempDir
    Path tmp;

    static WsSecurityComponent.Config config(Map<String, Object> settings) {
        return (WsSecurityComponent.Config) java.lang.reflect.Proxy.newProxyInstance(
                WsSecurityComponent.Config.class.getClassLoader(), new Class<?>[] {WsSecurityComponent.Config.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> WsSecurityComponent.Config.class;
                    case "hashCode" -> 0;
                    case "equals" -> proxy == args[0];
                    case "toString" -> "config" + settings;
                    default -> settings.containsKey(method.getName()) ? settings.get(method.getName())
                            : method.getDefaultValue();
                });
    }

    @Test
    void showsWhatThePolicyRequiresAndTheFullEndpointUrl() throws Exception {
        ThingId lamp = ThingId.of("lamp-1");
        ThingId plug = ThingId.of("plug-2");
        try (FileThingKeyStore keys = FileThingKeyStore.open(tmp.resolve("store"), tmp.resolve("master.key"))) {
            WsSecurityBridge wss = new WsSecurityBridge(new WsSecurityComponent(keys, config(Map.of(
                    "unenrolledPolicy", "refuse"))));
            org.trusthub.binding.dpws.internal.Policies policy = new org.trusthub.binding.dpws.internal.Policies(
                    t -> t.equals(lamp) ? org.trusthub.api.security.Protection.integrity().endToEnd()
                            : org.trusthub.api.security.Protection.confidentiality().endToEnd());
            DpwsStack stack = new DpwsStack(new DpwsStack.Config(List.of(), 0, 0, true, false, false, true, "hub",
                    Duration.ofSeconds(5)), new ThingSource() {
                        @Override
                        public List<ThingId> hosted() {
                            return List.of(lamp, plug);
                        }

                        @Override
                        public Optional<String> state(ThingId thing) {
                            return Optional.of("OPERATIONAL");
                        }
                    }, org.trusthub.binding.dpws.internal.Policies.with(() -> wss, policy));
            try {
                stack.start();
                HostedCommand command = new HostedCommand();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                command.out = new PrintStream(out, true, StandardCharsets.UTF_8);
                command.run(stack);
                String text = out.toString(StandardCharsets.UTF_8);
                assertTrue(text.contains("integrity/end-to-end"), text);
                assertTrue(text.contains("confidentiality/end-to-end"), text);
                String url = "http://127.0.0.1:" + stack.httpPort() + stack.host().deviceFor(lamp).devicePath();
                assertTrue(text.contains(url), url + " not in\n" + text);
                assertTrue(text.contains(stack.host().deviceFor(lamp).address()), text);
            } finally {
                stack.close();
            }
        }
    }
}
