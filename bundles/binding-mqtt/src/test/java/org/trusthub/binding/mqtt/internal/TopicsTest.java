package org.trusthub.binding.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.trusthub.api.thing.ThingId;

class TopicsTest {

    private final Topics topics = new Topics("home/trusthub");
    private final ThingId lamp = ThingId.of("lamp-1");

    @Test
    void valuesAndCommandsLiveUnderTheThing() {
        assertEquals("home/trusthub/lamp-1/+", topics.values(lamp));
        assertEquals("home/trusthub/lamp-1/level/set", topics.command(lamp, "level"));
    }

    @Test
    void aValueTopicNamesItsThingAndProperty() {
        assertEquals(Optional.of(lamp), topics.thing("home/trusthub/lamp-1/level"));
        assertEquals(Optional.of("level"), topics.property(lamp, "home/trusthub/lamp-1/level"));
    }

    @Test
    void otherTopicsNameNothing() {
        assertEquals(Optional.empty(), topics.thing("home/trusthub/lamp-1/level/set"));
        assertEquals(Optional.empty(), topics.thing("home/trusthub/Lamp 1/level"));
        assertEquals(Optional.empty(), topics.thing("elsewhere/lamp-1/level"));
        assertEquals(Optional.empty(), topics.property(lamp, "home/trusthub/lamp-1/level/set"));
        assertEquals(Optional.empty(), topics.property(lamp, "home/trusthub/lamp-1/"));
    }

    @Test
    void aRootWithAWildcardOrEmptyLevelIsRefused() {
        for (String bad : new String[] { "", "a/#", "a/+/b", "/a", "a/", "a//b" }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Topics(bad), bad);
            assertEquals(true, e.getMessage().startsWith("topicRoot must be"), e.getMessage());
        }
    }
}
