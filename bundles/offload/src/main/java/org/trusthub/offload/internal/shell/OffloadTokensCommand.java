package org.trusthub.offload.internal.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.trusthub.api.offload.IssuedToken;
import org.trusthub.api.offload.TokenService;

/** Tokens issued and not yet expired: who, for what, until when. Never their keys. */
@Service
@Command(scope = "trusthub", name = "offload-tokens", description = "Lists the access tokens the hub issued that "
        + "have not expired (never their keys)")
public class OffloadTokensCommand implements Action {

    @Reference
    TokenService tokens;

    @Override
    public Object execute() {
        List<IssuedToken> list = tokens.issuedTokens();
        if (list.isEmpty()) {
            System.out.println("No tokens issued that are still valid.");
            return null;
        }
        ShellTable t = new ShellTable().forceAscii();
        t.column("Token id");
        t.column("Client");
        t.column("Audience");
        t.column("Scope");
        t.column("Profile");
        t.column("Issued");
        t.column("Expires");
        for (IssuedToken i : list) {
            t.addRow().addContent(i.id(), i.client().value(), i.audience().value(), i.scope(), i.profile(),
                    i.issued().toString(), i.expires().toString());
        }
        t.print(System.out);
        return null;
    }
}
