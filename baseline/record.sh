#!/usr/bin/env bash
# Records the API and provider SPI bundles of the current build as release 0.1.0 in baseline/repo (a Maven layout),
# the release bnd baselines them against. Run once per release, from a build of that release's sources:
#   ./mvnw -o -q -pl <modules> -am package -DskipTests -Djazzer.skip=true -Dbnd.baseline.skip=true
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
release=${1:-0.1.0}
for module in api security-transport security-oscore security-wss security-tls security-link security-network; do
  jar=$(ls bundles/$module/target/org.trusthub.*-*.jar | grep -v -e sources -e tests | head -1)
  artifact=$(basename "$jar" | sed 's/-[0-9].*//')
  dir=baseline/repo/org/trusthub/$artifact/$release
  mkdir -p "$dir"
  cp "$jar" "$dir/$artifact-$release.jar"
  cat > "$dir/$artifact-$release.pom" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>org.trusthub</groupId>
  <artifactId>$artifact</artifactId>
  <version>$release</version>
  <description>Recorded release of $artifact, for baselining only.</description>
</project>
POM
  cat > "baseline/repo/org/trusthub/$artifact/maven-metadata.xml" <<META
<?xml version="1.0" encoding="UTF-8"?>
<metadata>
  <groupId>org.trusthub</groupId>
  <artifactId>$artifact</artifactId>
  <versioning>
    <release>$release</release>
    <versions>
      <version>$release</version>
    </versions>
  </versioning>
</metadata>
META
  echo "recorded $artifact $release"
done
