package org.trusthub.web.internal;

/**
 * A refused request: the HTTP status, the field of the request at fault (empty when none is), and a message for the
 * operator. Messages never carry secrets; they name what was wrong with the request.
 */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String field;

    public ApiException(int status, String field, String message) {
        super(message, null, false, false);
        this.status = status;
        this.field = field == null ? "" : field;
    }

    /** 400 for a field of the request. */
    public static ApiException bad(String field, String message) {
        return new ApiException(400, field, field + ": " + message);
    }

    /** 404 for something the path names that is not there. */
    public static ApiException notFound(String message) {
        return new ApiException(404, "", message);
    }

    /** 409: the request is well-formed but the hub's state does not allow it. */
    public static ApiException conflict(String field, String message) {
        return new ApiException(409, field, message);
    }

    /** 503: the service behind the request is not running. */
    public static ApiException unavailable(String what) {
        return new ApiException(503, "", what + " is not running");
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }
}
