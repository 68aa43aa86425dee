package org.trusthub.binding.dpws.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** WS-Eventing 2004/08 names and expiry parsing shared by the event source and the subscriber. */
public final class Eventing {

    public static final String WSE = DpwsVersion.WSE;
    public static final String SUBSCRIBE = WSE + "/Subscribe";
    public static final String SUBSCRIBE_RESPONSE = WSE + "/SubscribeResponse";
    public static final String RENEW = WSE + "/Renew";
    public static final String RENEW_RESPONSE = WSE + "/RenewResponse";
    public static final String GET_STATUS = WSE + "/GetStatus";
    public static final String GET_STATUS_RESPONSE = WSE + "/GetStatusResponse";
    public static final String UNSUBSCRIBE = WSE + "/Unsubscribe";
    public static final String UNSUBSCRIBE_RESPONSE = WSE + "/UnsubscribeResponse";
    public static final String SUBSCRIPTION_END = WSE + "/SubscriptionEnd";
    public static final String PUSH = WSE + "/DeliveryModes/Push";

    /** Longest subscription this host grants; a subscriber renews. */
    public static final Duration MAX_EXPIRY = Duration.ofHours(1);

    private Eventing() {
    }

    /** A request the event source refuses with a WS-Eventing fault subcode (wse:...) and a reason. */
    public static final class Refused extends MalformedMessageException {
        private static final long serialVersionUID = 1L;
        private final String subcode;

        public Refused(String subcode, String reason) {
            super(reason);
            this.subcode = subcode;
        }

        public String subcode() {
            return subcode;
        }
    }

    /** Parses wse:Expires (an xs:duration of days/hours/minutes/seconds, or an xs:dateTime) into a duration. */
    public static Duration parseExpires(String text, Instant now) throws MalformedMessageException {
        if (text == null || text.isEmpty()) {
            return MAX_EXPIRY;
        }
        Duration d;
        try {
            if (text.startsWith("P") || text.startsWith("-P")) {
                if (text.matches("-?P(\\d+Y|\\d+M(?!.*T)).*")) {
                    throw new MalformedMessageException("wse:Expires in years or months is not supported");
                }
                d = Duration.parse(text);
            } else {
                d = Duration.between(now, OffsetDateTime.parse(text).toInstant());
            }
        } catch (DateTimeParseException e) {
            throw new MalformedMessageException("wse:Expires is neither an xs:duration nor an xs:dateTime");
        }
        if (d.isNegative() || d.isZero()) {
            throw new MalformedMessageException("wse:Expires is not in the future");
        }
        return d.compareTo(MAX_EXPIRY) > 0 ? MAX_EXPIRY : d;
    }

    public static String format(Duration d) {
        return "PT" + Math.max(1, d.getSeconds()) + "S";
    }
}
