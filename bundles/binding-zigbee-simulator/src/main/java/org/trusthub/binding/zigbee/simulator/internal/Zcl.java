package org.trusthub.binding.zigbee.simulator.internal;

/** The few ZCL constants and frames a simulated device speaks (ZigBee Cluster Library, chapter 2). */
final class Zcl {
    static final int PROFILE_HA = 0x0104;
    static final int PROFILE_ZDO = 0x0000;
    static final int CLUSTER_ON_OFF = 0x0006;
    static final int CLUSTER_LEVEL = 0x0008;
    static final int CLUSTER_TEMPERATURE = 0x0402;
    static final int ZDO_DEVICE_ANNOUNCE = 0x0013;
    /** The clusters a simulated device may have (and the hub's thing model maps). */
    static final java.util.Set<Integer> SIMULATED_CLUSTERS = java.util.Set.of(CLUSTER_ON_OFF, CLUSTER_LEVEL,
            CLUSTER_TEMPERATURE);

    static final int READ_ATTRIBUTES = 0x00;
    static final int READ_ATTRIBUTES_RESPONSE = 0x01;
    static final int REPORT_ATTRIBUTES = 0x0A;
    static final int DEFAULT_RESPONSE = 0x0B;

    static final int TYPE_BOOLEAN = 0x10;
    static final int TYPE_UINT8 = 0x20;
    static final int TYPE_INT16 = 0x29;

    /** Frame control of a global command from server to client, default response disabled. */
    static final int FC_SERVER_TO_CLIENT = 0x18;

    private Zcl() {
    }
}
