package org.trusthub.binding.bluetooth.internal.bluez;

import java.util.ArrayList;
import java.util.List;

import com.github.hypfvieh.bluetooth.DeviceManager;
import com.github.hypfvieh.bluetooth.wrapper.BluetoothAdapter;
import com.github.hypfvieh.bluetooth.wrapper.BluetoothDevice;

import org.trusthub.binding.bluetooth.Advertisement;
import org.trusthub.security.link.ble.BleAddress;

/**
 * Every call into bluez-dbus, kept in this one class so the bridge bundle loads without it: BluezAdapter only touches
 * it after checking that the library is wired.
 */
final class BluezBus implements AutoCloseable {

    private final DeviceManager manager;
    private final BluetoothAdapter adapter;

    BluezBus(String adapterName) throws Exception {
        manager = DeviceManager.createInstance(false);
        List<BluetoothAdapter> adapters = manager.getAdapters();
        BluetoothAdapter chosen = null;
        for (BluetoothAdapter a : adapters) {
            if (adapterName == null || adapterName.isBlank() || adapterName.equals(a.getDeviceName())) {
                chosen = a;
                break;
            }
        }
        if (chosen == null) {
            manager.closeConnection();
            throw new IllegalStateException("BlueZ has no adapter " + (adapterName == null ? "" : adapterName)
                    + " (found " + adapters.size() + ")");
        }
        adapter = chosen;
        manager.setDefaultAdapter(adapter);
    }

    String address() {
        return adapter.getAddress();
    }

    String name() {
        return adapter.getDeviceName();
    }

    List<Advertisement> scan(int millis) {
        List<Advertisement> out = new ArrayList<>();
        for (BluetoothDevice d : manager.scanForBluetoothDevices(millis)) {
            Short rssi = d.getRssi();
            out.add(new Advertisement(BleAddress.parse(d.getAddress(), true), d.getName() == null ? "" : d.getName(),
                    rssi == null ? 0 : rssi));
        }
        return out;
    }

    @Override
    public void close() {
        manager.closeConnection();
    }
}
