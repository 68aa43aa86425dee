package org.trusthub.web.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "trusthub web", description = "The REST API under /api and the dashboard. There is no "
        + "default account: log in with a Karaf JAAS account of realm karaf that has the role viewer (read) or admin "
        + "(read and change).")
public @interface WebConfig {

    @AttributeDefinition(description = "Address the server binds to. On a loopback address it speaks HTTP unless "
            + "https is set; on any other address always HTTPS with the hub identity.")
    String address() default "127.0.0.1";

    @AttributeDefinition(description = "Host names (DNS names) the server answers for besides its address, and "
            + "localhost on a loopback address; any other name in a request's Host header gets 421, which keeps pages "
            + "of other sites out after DNS rebinding. Letters, digits, dots and hyphens; in a .cfg file separated by commas.")
    String[] hostNames() default {};

    @AttributeDefinition(description = "TCP port (1 to 65535)")
    int port() default 8088;

    @AttributeDefinition(description = "HTTPS with the hub identity on a loopback address too")
    boolean https() default false;

    @AttributeDefinition(description = "Minutes a login session lasts without a request (1 to 1440)")
    int sessionMinutes() default 30;

    @AttributeDefinition(description = "Failed logins one client address may make per minute, and one user "
            + "name may have, before it has to wait (1 to 100)")
    int loginFailuresPerMinute() default 5;

    @AttributeDefinition(description = "Failed logins per minute for the whole server, from all addresses and for "
            + "all user names together, before every login has to wait (1 to 1000)")
    int loginFailuresPerMinuteTotal() default 30;
}
