package org.trusthub.binding.dpws.internal.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.binding.dpws.internal.DeviceOperations;
import org.trusthub.binding.dpws.internal.DpwsStack;

@Service
@Command(scope = "trusthub", name = "dpws-invoke", description = "Invokes an operation of a discovered DPWS device's "
        + "hosted service, as its WSDL describes it, and prints the answer")
public class InvokeCommand extends DpwsAction {

    @Argument(index = 0, name = "device", required = true, description = "The device's endpoint address "
            + "(urn:uuid:...) or its dpws:<uuid> thing id")
    String device;

    @Argument(index = 1, name = "service", required = true, description = "The hosted service: its ServiceId, its "
            + "address or its portType name (trusthub:dpws-services lists them)")
    String service;

    @Argument(index = 2, name = "operation", required = true, description = "The operation's name in the service's "
            + "WSDL")
    String operation;

    @Argument(index = 3, name = "input", description = "The input: XML whose root is the operation's input element, "
            + "or JSON (a value is the element's text, an object's members its child elements); none for an empty "
            + "input element")
    String input;

    @Override
    protected void run(DpwsStack stack) throws Exception {
        DeviceOperations.Outcome o = new DeviceOperations(stack.client()).invoke(device, service, operation, input);
        if (o.response() == null) {
            out().println(o.operation().name() + " sent to " + o.device().thing() + " (one-way: no answer)");
            return;
        }
        String payload = o.payload();
        out().println(o.operation().name() + " answered " + orDash(o.response().action()) + " (messages "
                + label(stack.client().device(o.device().address()).orElse(o.device()).protection()) + ")");
        out().println(payload == null ? "(empty body)" : orDash(payload));
    }
}
