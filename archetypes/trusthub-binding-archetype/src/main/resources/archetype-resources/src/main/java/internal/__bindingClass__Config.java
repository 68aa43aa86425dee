package ${package}.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The binding's settings, under PID {@value ${bindingClass}Binding#PID} (the file {@code etc/${package}.cfg} on the
 * hub; the feature ships it with every line commented and the defaults below).
 */
@ObjectClassDefinition(name = "trusthub ${bindingName} binding",
        description = "Which things the ${bindingName} binding serves and what each of them can do.")
public @interface ${bindingClass}Config {

    /**
     * The things served, separated by ';': a thing id, then its properties, each as {@code id:type} or
     * {@code id:type:rw} (writable). Types: switch, level, temperature, number, string.
     */
    @AttributeDefinition(name = "Things", description = "Things served, separated by ';': THING PROPERTY:TYPE[:rw]... "
            + "with TYPE one of switch, level, temperature, number, string. Example: "
            + "lamp-1 on:switch:rw level:level:rw; sensor-1 temperature:temperature")
    String[] things() default {};
}
