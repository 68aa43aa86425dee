package org.trusthub.binding.dpws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * A .cfg file delivers {@code interfaces = a, b} as one String (Karaf's file install types a value only when the whole
 * file is typed): the binding takes it as two interface names, as the shipped file says.
 */
class ListSettingsTest {

    private static DpwsBinding.Config config(Map<String, Object> overrides) {
        return (DpwsBinding.Config) Proxy.newProxyInstance(DpwsBinding.Config.class.getClassLoader(),
                new Class<?>[] {DpwsBinding.Config.class}, (proxy, method, args) -> overrides.containsKey(
                        method.getName()) ? overrides.get(method.getName()) : method.getDefaultValue());
    }

    @Test
    void interfacesInOneCfgValueAreSeveralNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DpwsBinding().activate(
                config(Map.of("interfaces", new String[] {"nosuch0, nosuch1"}))));
        assertEquals("org.trusthub.binding.dpws: no network interface named 'nosuch0'", e.getMessage());
    }
}
