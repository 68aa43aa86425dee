package org.trusthub.binding.dpws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.lang.reflect.Proxy;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** A configuration update that changes no setting (Karaf's file install echoing it back) must not restart the stack. */
class ConfigEchoTest {

    private static DpwsBinding.Config config(Map<String, Object> overrides) {
        return (DpwsBinding.Config) Proxy.newProxyInstance(DpwsBinding.Config.class.getClassLoader(),
                new Class<?>[] {DpwsBinding.Config.class}, (proxy, method, args) -> {
                    if (overrides.containsKey(method.getName())) {
                        return overrides.get(method.getName());
                    }
                    return method.getDefaultValue();
                });
    }

    @Test
    void sameSettingsInFreshArraysAreEqual() {
        DpwsBinding.Config a = config(Map.of("hostEnabled", true, "hostedThings", new String[] {"lamp"}));
        DpwsBinding.Config b = config(Map.of("hostEnabled", true, "hostedThings", new String[] {"lamp"}));
        assertEquals(DpwsBinding.settings(a), DpwsBinding.settings(b));
    }

    @Test
    void anyChangedSettingDiffers() {
        DpwsBinding.Config base = config(Map.of("hostEnabled", true, "hostedThings", new String[] {"lamp"}));
        assertNotEquals(DpwsBinding.settings(base), DpwsBinding.settings(config(Map.of("hostEnabled", false,
                "hostedThings", new String[] {"lamp"}))));
        assertNotEquals(DpwsBinding.settings(base), DpwsBinding.settings(config(Map.of("hostEnabled", true,
                "hostedThings", new String[] {"lamp", "plug"}))));
        assertNotEquals(DpwsBinding.settings(base), DpwsBinding.settings(config(Map.of("hostEnabled", true,
                "hostedThings", new String[] {"lamp"}, "discoveryPort", 40001))));
    }
}
