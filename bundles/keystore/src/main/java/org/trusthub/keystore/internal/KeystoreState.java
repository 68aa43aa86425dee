package org.trusthub.keystore.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.trusthub.api.thing.ThingId;
import org.trusthub.keystore.internal.KeystoreRecords.Anchor;
import org.trusthub.keystore.internal.KeystoreRecords.AnchorRemoved;
import org.trusthub.keystore.internal.KeystoreRecords.Hub;
import org.trusthub.keystore.internal.KeystoreRecords.Rec;

/**
 * Everything the keystore's records build in memory, the hub identity, the trust anchors and the things, as the
 * {@link KeystoreJournal} writes, replays and snapshots it: each record goes to the part it belongs to.
 */
final class KeystoreState implements KeystoreJournal.Contents {

    final HubIdentityKeeper identity = new HubIdentityKeeper();
    final TrustAnchors anchors = new TrustAnchors();
    final ThingStates things = new ThingStates();

    @Override
    public boolean apply(Rec rec) {
        if (rec instanceof Hub h) {
            identity.apply(h);
            return false;
        }
        if (rec instanceof Anchor || rec instanceof AnchorRemoved) {
            anchors.apply(rec);
            return false;
        }
        return things.apply(rec);
    }

    @Override
    public List<byte[]> drainUsage(List<ThingId> drained) {
        return things.drainUsage(drained);
    }

    @Override
    public List<ThingId> takeUsage() {
        return things.takeUsage();
    }

    @Override
    public void restoreUsage(Collection<ThingId> ids) {
        things.restoreUsage(ids);
    }

    /** The hub record first, then the anchors, then the things (the order a replay needs). */
    @Override
    public List<Rec> snapshot() {
        List<Rec> records = new ArrayList<>();
        records.add(HubIdentityKeeper.record(identity.get()));
        anchors.snapshot(records);
        things.snapshot(records);
        return records;
    }

    /** Wipes every key held in memory. */
    void wipeAll() {
        things.wipeAll();
        identity.clear();
    }
}
