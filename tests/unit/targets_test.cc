// SPDX-License-Identifier: Apache-2.0
// Tests of probe target building: which targets exist and when in the interval they start.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "config/config.h"
#include "probe/target.h"

namespace dw {
namespace {

using namespace std::chrono_literals;

ProbeSpec question(const std::string& qname, uint16_t qtype, const std::string& qtype_name) {
  return ProbeSpec{qname, qtype, qtype_name};
}

ResolverSpec resolver(int index) {
  ResolverSpec spec;
  spec.name = "r" + std::to_string(index);
  spec.address = "192.0.2." + std::to_string(index + 1);
  return spec;
}

ZoneSpec zone(const std::string& name, std::vector<ProbeSpec> probes) {
  ZoneSpec spec;
  spec.name = name;
  spec.probes = std::move(probes);
  return spec;
}

// Two zones with three questions in all, `resolver_count` resolvers, and a bogus canary.
// Path and chain checks are off: their own tests turn them on.
Config makeConfig(int resolver_count, int validating_max, std::chrono::milliseconds interval) {
  Config config;
  config.interval = interval;
  config.validating_resolvers_max = validating_max;
  config.path_checks.enabled = false;
  config.chain_checks.enabled = false;
  config.zones = {
      zone("example.com.",
           {question("www.example.com.", 1, "A"), question("example.com.", 48, "DNSKEY")}),
      zone("example.net.", {question("www.example.net.", 28, "AAAA")}),
  };
  config.bogus_canary = question("www.bogus.example.org.", 1, "A");
  for (int i = 0; i < resolver_count; ++i) {
    config.resolvers.push_back(resolver(i));
  }
  return config;
}

size_t countIf(const std::vector<ProbeTarget>& targets, Engine engine, bool canary) {
  return static_cast<size_t>(std::count_if(targets.begin(), targets.end(), [&](const auto& t) {
    return t.engine == engine && t.canary == canary;
  }));
}

TEST(BuildTargetsTest, CountsTargetsPerEngine) {
  const Config config = makeConfig(5, 2, 60s);
  const std::vector<ProbeTarget> targets = buildTargets(config);
  EXPECT_EQ(countIf(targets, Engine::Raw, false), 3u * 5u);
  EXPECT_EQ(countIf(targets, Engine::Validating, false), 3u * 5u);
  EXPECT_EQ(countIf(targets, Engine::Raw, true), 5u);
  EXPECT_EQ(countIf(targets, Engine::Validating, true), 0u);
  EXPECT_EQ(targets.size(), 3u * 5u + 3u * 5u + 5u);
}

TEST(BuildTargetsTest, ValidatesLocallyBeyondValidatingResolversMax) {
  const Config config = makeConfig(5, 2, 60s);
  for (const ProbeTarget& target : buildTargets(config)) {
    if (target.engine == Engine::Validating) {
      EXPECT_EQ(target.local_validation, target.resolver_index >= 2u) << "target " << target.id;
    }
  }
}

TEST(BuildTargetsTest, ValidatesNothingLocallyWhenMaxCoversResolvers) {
  const Config config = makeConfig(2, 256, 60s);
  for (const ProbeTarget& target : buildTargets(config)) {
    EXPECT_FALSE(target.local_validation) << "target " << target.id;
  }
}

TEST(BuildTargetsTest, ValidatesEverythingLocallyWhenMaxIsZero) {
  const Config config = makeConfig(3, 0, 60s);
  const std::vector<ProbeTarget> targets = buildTargets(config);
  EXPECT_EQ(countIf(targets, Engine::Validating, false), 3u * 3u);
  for (const ProbeTarget& target : targets) {
    if (target.engine == Engine::Validating) {
      EXPECT_TRUE(target.local_validation) << "target " << target.id;
    }
  }
}

TEST(BuildTargetsTest, NeverMarksRawTargetsForLocalValidation) {
  const Config config = makeConfig(5, 2, 60s);
  for (const ProbeTarget& target : buildTargets(config)) {
    if (target.engine == Engine::Raw) {
      EXPECT_FALSE(target.local_validation) << "target " << target.id;
    }
  }
}

TEST(BuildTargetsTest, CoversEveryResolverAndQuestionWithRawEngine) {
  const Config config = makeConfig(4, 1, 60s);
  std::set<std::pair<size_t, std::string>> seen;
  for (const ProbeTarget& target : buildTargets(config)) {
    if (target.engine == Engine::Raw && !target.canary) {
      seen.emplace(target.resolver_index, target.question.qname);
    }
  }
  EXPECT_EQ(seen.size(), 4u * 3u);
}

TEST(BuildTargetsTest, SkipsCanaryWhenNotConfigured) {
  Config config = makeConfig(3, 3, 60s);
  config.bogus_canary.reset();
  const std::vector<ProbeTarget> targets = buildTargets(config);
  EXPECT_EQ(countIf(targets, Engine::Raw, true), 0u);
  EXPECT_EQ(targets.size(), 3u * 3u + 3u * 3u);
}

TEST(BuildTargetsTest, BuildsNothingWithoutResolvers) {
  const Config config = makeConfig(0, 2, 60s);
  EXPECT_TRUE(buildTargets(config).empty());
}

TEST(BuildTargetsTest, FillsZoneTargetFields) {
  const Config config = makeConfig(3, 3, 60s);
  for (const ProbeTarget& target : buildTargets(config)) {
    if (target.canary) {
      continue;
    }
    EXPECT_FALSE(target.zone.empty()) << "target " << target.id;
    EXPECT_TRUE(target.question.qname.ends_with(target.zone)) << "target " << target.id;
    ASSERT_LT(target.resolver_index, config.resolvers.size());
    EXPECT_EQ(target.resolver, &config.resolvers[target.resolver_index]) << "target " << target.id;
  }
}

TEST(BuildTargetsTest, FillsCanaryTargetFields) {
  const Config config = makeConfig(3, 3, 60s);
  size_t canaries = 0;
  for (const ProbeTarget& target : buildTargets(config)) {
    if (!target.canary) {
      continue;
    }
    ++canaries;
    EXPECT_TRUE(target.zone.empty()) << "target " << target.id;
    EXPECT_EQ(target.engine, Engine::Raw) << "target " << target.id;
    EXPECT_EQ(target.question.qname, "www.bogus.example.org.") << "target " << target.id;
    ASSERT_LT(target.resolver_index, config.resolvers.size());
    EXPECT_EQ(target.resolver, &config.resolvers[target.resolver_index]) << "target " << target.id;
  }
  EXPECT_EQ(canaries, 3u);
}

TEST(BuildTargetsTest, NumbersTargetsByPosition) {
  const std::vector<ProbeTarget> targets = buildTargets(makeConfig(3, 2, 60s));
  for (size_t i = 0; i < targets.size(); ++i) {
    EXPECT_EQ(targets[i].id, i);
  }
}

TEST(BuildTargetsTest, KeepsOffsetsWithinInterval) {
  const Config config = makeConfig(7, 3, 10s);
  for (const ProbeTarget& target : buildTargets(config)) {
    EXPECT_GE(target.offset, 0ms) << "target " << target.id;
    EXPECT_LT(target.offset, config.interval) << "target " << target.id;
  }
}

TEST(BuildTargetsTest, GivesDistinctOffsetsWhenIntervalHasRoom) {
  const Config config = makeConfig(7, 3, 10s);
  const std::vector<ProbeTarget> targets = buildTargets(config);
  std::set<long long> offsets;
  for (const ProbeTarget& target : targets) {
    offsets.insert(target.offset.count());
  }
  EXPECT_EQ(offsets.size(), targets.size());
}

// With exactly one millisecond per target, every millisecond of the interval starts one.
TEST(BuildTargetsTest, GivesDistinctOffsetsWhenCountEqualsIntervalMilliseconds) {
  Config config = makeConfig(4, 0, 1s);
  config.bogus_canary.reset();
  const size_t count = buildTargets(config).size();
  config.interval = std::chrono::milliseconds(count);
  const std::vector<ProbeTarget> targets = buildTargets(config);
  std::set<long long> offsets;
  for (const ProbeTarget& target : targets) {
    offsets.insert(target.offset.count());
  }
  EXPECT_EQ(offsets.size(), targets.size());
}

TEST(BuildTargetsTest, SpreadsOffsetsEvenly) {
  const Config config = makeConfig(5, 2, 60s);
  const std::vector<ProbeTarget> targets = buildTargets(config);
  ASSERT_GE(targets.size(), 2u);
  const auto step = config.interval / static_cast<long long>(targets.size());
  for (size_t i = 1; i < targets.size(); ++i) {
    const auto gap = targets[i].offset - targets[i - 1].offset;
    EXPECT_GE(gap, step - 1ms) << "between targets " << i - 1 << " and " << i;
    EXPECT_LE(gap, step + 1ms) << "between targets " << i - 1 << " and " << i;
  }
}

TEST(BuildTargetsTest, KeepsOffsetsWithinIntervalWhenTargetsOutnumberMilliseconds) {
  Config config = makeConfig(10, 10, 60s);
  config.interval = 7ms;
  const std::vector<ProbeTarget> targets = buildTargets(config);
  ASSERT_GT(targets.size(), 7u);
  for (const ProbeTarget& target : targets) {
    EXPECT_GE(target.offset, 0ms) << "target " << target.id;
    EXPECT_LT(target.offset, config.interval) << "target " << target.id;
  }
}

// Consecutive targets start one step apart, so one resolver's targets must not sit next to
// each other when other resolvers exist.
TEST(BuildTargetsTest, InterleavesResolvers) {
  const std::vector<ProbeTarget> targets = buildTargets(makeConfig(4, 0, 60s));
  for (size_t i = 1; i < targets.size(); ++i) {
    EXPECT_NE(targets[i].resolver_index, targets[i - 1].resolver_index)
        << "targets " << i - 1 << " and " << i;
  }
}

TEST(BuildPathTargetsTest, AddsOnePerZoneAndResolver) {
  Config config = makeConfig(4, 2, 60s);
  config.path_checks.enabled = true;
  const std::vector<ProbeTarget> targets = buildTargets(config);
  std::set<std::pair<std::string, size_t>> pairs;
  for (const ProbeTarget& target : targets) {
    if (target.engine == Engine::Path) {
      pairs.emplace(target.zone, target.resolver_index);
      ASSERT_NE(target.zone_spec, nullptr);
      EXPECT_EQ(target.zone_spec->name, target.zone);
    }
  }
  EXPECT_EQ(pairs.size(), 2u * 4u);
  EXPECT_EQ(countIf(targets, Engine::Path, false), 2u * 4u);
}

TEST(BuildPathTargetsTest, AddsNoneWhenDisabled) {
  const std::vector<ProbeTarget> targets = buildTargets(makeConfig(4, 2, 60s));
  EXPECT_EQ(countIf(targets, Engine::Path, false), 0u);
}

TEST(BuildPathTargetsTest, SpreadsOverPathInterval) {
  Config config = makeConfig(5, 2, 10s);
  config.path_checks.enabled = true;
  config.path_checks.interval = 300s;
  std::set<long long> offsets;
  for (const ProbeTarget& target : buildTargets(config)) {
    if (target.engine != Engine::Path) {
      EXPECT_EQ(target.interval, 10s);
      EXPECT_LT(target.offset, 10s);
      continue;
    }
    EXPECT_EQ(target.interval, 300s);
    EXPECT_LT(target.offset, 300s);
    offsets.insert(target.offset.count());
  }
  ASSERT_EQ(offsets.size(), 10u);
  EXPECT_EQ(*offsets.begin(), 0);
  EXPECT_EQ(*offsets.rbegin(), 270'000);  // 9 of 10 steps of 30 s.
}

TEST(BuildPathTargetsTest, AsksTheSweepQuestion) {
  Config config = makeConfig(1, 1, 60s);
  config.path_checks.enabled = true;
  config.zones[0].size_canaries = {question("dw-size-0496.example.com.", 16, "TXT"),
                                   question("dw-size-4000.example.com.", 16, "TXT")};
  for (const ProbeTarget& target : buildTargets(config)) {
    if (target.engine != Engine::Path) {
      continue;
    }
    if (target.zone == "example.com.") {
      EXPECT_EQ(target.question.qname, "dw-size-4000.example.com.");
    } else {
      EXPECT_EQ(target.question.qname, "example.net.");
      EXPECT_EQ(target.question.qtype_name, "DNSKEY");
    }
  }
}

TEST(BuildChainTargetsTest, AddsOnePerZoneUnderTheKeyResolver) {
  Config config = makeConfig(4, 2, 60s);
  config.chain_checks.enabled = true;
  config.chain_checks.interval = 300s;
  config.key_resolver = "r2";
  std::vector<std::string> zones;
  for (const ProbeTarget& target : buildTargets(config)) {
    if (target.engine != Engine::Chain) {
      continue;
    }
    zones.push_back(target.zone);
    EXPECT_EQ(target.resolver_index, 2u);
    ASSERT_NE(target.zone_spec, nullptr);
    EXPECT_EQ(target.zone_spec->name, target.zone);
    EXPECT_EQ(target.interval, 300s);
    EXPECT_EQ(target.offset, target.zone == "example.com." ? 0s : 150s);
  }
  EXPECT_EQ(zones, (std::vector<std::string>{"example.com.", "example.net."}));
}

TEST(BuildChainTargetsTest, AddsNoneWhenDisabled) {
  const std::vector<ProbeTarget> targets = buildTargets(makeConfig(4, 2, 60s));
  EXPECT_EQ(countIf(targets, Engine::Chain, false), 0u);
}

}  // namespace
}  // namespace dw
