package org.trusthub.binding.zigbee.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.database.ZigBeeNetworkDataStore;
import com.zsmartsystems.zigbee.database.ZigBeeNodeDao;

/**
 * The ZigBee stack's node database, in memory. What must survive a restart (who is commissioned, keys, counters)
 * lives in the thing registry and the keystore; nodes are rebuilt from those when devices are seen again.
 */
final class MemoryNodeStore implements ZigBeeNetworkDataStore {
    private final Map<IeeeAddress, ZigBeeNodeDao> nodes = new ConcurrentHashMap<>();
    private final Map<String, Object> objects = new ConcurrentHashMap<>();

    @Override
    public Set<IeeeAddress> readNetworkNodes() {
        return Set.copyOf(nodes.keySet());
    }

    @Override
    public ZigBeeNodeDao readNode(IeeeAddress address) {
        return nodes.get(address);
    }

    @Override
    public void writeNode(ZigBeeNodeDao node) {
        nodes.put(node.getIeeeAddress(), node);
    }

    @Override
    public void removeNode(IeeeAddress address) {
        nodes.remove(address);
    }

    @Override
    public void writeObject(String key, Object object) {
        if (object == null) {
            objects.remove(key);
        } else {
            objects.put(key, object);
        }
    }

    @Override
    public Object readObject(String key) {
        return objects.get(key);
    }
}
