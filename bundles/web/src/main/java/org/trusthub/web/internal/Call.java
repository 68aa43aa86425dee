package org.trusthub.web.internal;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * One API request as a handler sees it: the path parameters, the JSON body (an object, or empty), and who asks.
 * The accessors refuse a missing or mistyped field with a 400 naming it.
 */
final class Call {

    final Map<String, String> params;
    final JsonNode body;
    /** Null on the routes that need no login. */
    final Sessions.Session session;
    final HttpExchange exchange;
    /** Whether the server speaks HTTPS (cookies are then Secure). */
    final boolean secure;

    Call(Map<String, String> params, JsonNode body, Sessions.Session session, HttpExchange exchange,
            boolean secure) {
        this.params = params;
        this.body = body == null ? NullNode.getInstance() : body;
        this.session = session;
        this.exchange = exchange;
        this.secure = secure;
    }

    /** The client's address (for rate limits and logs). */
    String remoteAddress() {
        return exchange == null ? "" : exchange.getRemoteAddress().getAddress().getHostAddress();
    }

    String param(String name) {
        return params.get(name);
    }

    /** A required text field of the body. */
    String text(String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            throw ApiException.bad(field, "is required");
        }
        if (!n.isTextual()) {
            throw ApiException.bad(field, "must be a string");
        }
        return n.textValue();
    }

    /** An optional text field of the body, null when absent. */
    String optionalText(String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw ApiException.bad(field, "must be a string");
        }
        return n.textValue();
    }

    /** A required field of any JSON type. */
    JsonNode value(String field) {
        JsonNode n = body.get(field);
        if (n == null) {
            throw ApiException.bad(field, "is required");
        }
        return n;
    }

    /** A required object field of the body. */
    JsonNode object(String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            throw ApiException.bad(field, "is required");
        }
        if (!n.isObject()) {
            throw ApiException.bad(field, "must be an object");
        }
        return n;
    }
}
