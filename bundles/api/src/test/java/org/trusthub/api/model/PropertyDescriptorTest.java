package org.trusthub.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PropertyDescriptorTest {

    @Test
    void switchTakesBooleansAndOnOffText() {
        PropertyDescriptor on = PropertyDescriptor.onOff();
        assertEquals(Boolean.TRUE, on.validate(true));
        assertEquals(Boolean.TRUE, on.parse("ON"));
        assertEquals(Boolean.FALSE, on.parse(" off "));
        assertEquals(Boolean.FALSE, on.parse("0"));
        InvalidValueException e = assertThrows(InvalidValueException.class, () -> on.parse("maybe"));
        assertEquals("property 'on' (SWITCH) refuses 'maybe': it takes on or off", e.getMessage());
        assertThrows(InvalidValueException.class, () -> on.validate(1));
        assertThrows(InvalidValueException.class, () -> on.validate(null));
    }

    @Test
    void levelIsAWholePercentFromZeroToHundred() {
        PropertyDescriptor level = PropertyDescriptor.level();
        assertEquals("%", level.unit());
        assertEquals(40, level.validate(40));
        assertEquals(40, level.validate(40L));
        assertEquals(40, level.validate(40.0));
        assertEquals(40, level.parse("40%"));
        assertEquals(0, level.parse("0"));
        assertEquals(100, level.parse("100"));
        InvalidValueException e = assertThrows(InvalidValueException.class, () -> level.parse("101"));
        assertEquals("property 'level' (LEVEL) refuses '101': it takes a whole number from 0 to 100 %",
                e.getMessage());
        assertThrows(InvalidValueException.class, () -> level.validate(-1));
        assertThrows(InvalidValueException.class, () -> level.validate(40.5));
        assertThrows(InvalidValueException.class, () -> level.parse("forty"));
        assertThrows(InvalidValueException.class, () -> level.validate("40"));
        assertThrows(InvalidValueException.class, () -> level.parse("99999999999999999999999"));
    }

    @Test
    void temperatureIsDegreesCelsiusAboveAbsoluteZero() {
        PropertyDescriptor t = PropertyDescriptor.temperature();
        assertEquals("\u00b0C", t.unit());
        assertFalse(t.writable());
        assertEquals(21.5, t.validate(21.5));
        assertEquals(21.0, t.validate(21));
        assertEquals(-5.25, t.parse("-5.25\u00b0C"));
        assertEquals(30.0, t.parse("30 C"));
        assertThrows(InvalidValueException.class, () -> t.validate(-273.16));
        assertThrows(InvalidValueException.class, () -> t.validate(Double.NaN));
        assertThrows(InvalidValueException.class, () -> t.validate(Double.POSITIVE_INFINITY));
        assertThrows(InvalidValueException.class, () -> t.parse("warm"));
    }

    @Test
    void numberHonoursItsRangeAndUnit() {
        PropertyDescriptor interval = PropertyDescriptor.number("interval", "Interval", "s", true, 1.0, 65535.0);
        assertEquals(60.0, interval.parse("60s"));
        assertEquals(60.0, interval.validate(60));
        InvalidValueException e = assertThrows(InvalidValueException.class, () -> interval.validate(0));
        assertTrue(e.getMessage().contains("from 1 to 65535 s"), e.getMessage());
        assertEquals("interval", e.property());
    }

    @Test
    void stringIsShortPrintableText() {
        PropertyDescriptor s = new PropertyDescriptor("name", PropertyType.STRING, null, null, true, null, null);
        assertEquals("kitchen", s.parse("kitchen"));
        assertThrows(InvalidValueException.class, () -> s.validate("a\nb"));
        assertThrows(InvalidValueException.class, () -> s.validate("x".repeat(PropertyDescriptor.MAX_TEXT + 1)));
        InvalidValueException e = assertThrows(InvalidValueException.class, () -> s.validate(5));
        assertTrue(e.getMessage().contains("Integer 5"), e.getMessage());
    }

    @Test
    void descriptorsThemselvesAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> PropertyDescriptor.number("Bad", null, "", false, null,
                null));
        assertThrows(IllegalArgumentException.class, () -> PropertyDescriptor.number("x", null, "", false, 2.0, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new PropertyDescriptor("l", PropertyType.LEVEL, null, null,
                true, 0.0, 200.0));
        assertThrows(IllegalArgumentException.class, () -> new PropertyDescriptor("s", PropertyType.SWITCH, null,
                null, true, 0.0, null));
        // echoed ids cannot forge lines
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PropertyDescriptor.number("a\nb", null, "", false, null, null));
        assertFalse(e.getMessage().contains("\n"));
    }
}
