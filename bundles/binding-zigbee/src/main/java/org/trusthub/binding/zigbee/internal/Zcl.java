package org.trusthub.binding.zigbee.internal;

/** The few ZCL and ZDO constants the bridge maps to the thing model (ZigBee Cluster Library, chapter 2). */
final class Zcl {
    static final int PROFILE_ZDO = 0x0000;
    static final int CLUSTER_ON_OFF = 0x0006;
    static final int CLUSTER_LEVEL = 0x0008;
    static final int CLUSTER_TEMPERATURE = 0x0402;
    static final int ZDO_DEVICE_ANNOUNCE = 0x0013;

    private Zcl() {
    }
}
