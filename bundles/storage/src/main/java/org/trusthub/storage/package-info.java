/**
 * Crash-safe record storage: an append-only journal of sealed records and an atomically replaced snapshot.
 * Used by bundles that must never lose an acknowledged write (the keystore, the thing registry).
 */
@Export
@Version("1.0.0")
package org.trusthub.storage;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
