// SPDX-License-Identifier: Apache-2.0
// Tests of command-line parsing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace dw {
namespace {

using ::testing::HasSubstr;

// Returns the message of the std::invalid_argument that parsing `args` throws, or "no error".
std::string parseError(const std::vector<std::string>& args) {
  try {
    parseCommandLine(args);
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "no error";
}

TEST(ParseCommandLineTest, ParsesRunWithConfig) {
  CommandLine parsed = parseCommandLine({"run", "--config", "watch.yaml"});
  EXPECT_EQ(parsed.command, "run");
  EXPECT_EQ(parsed.config_path, "watch.yaml");
  EXPECT_EQ(parsed.format, "text");
  EXPECT_EQ(parsed.log_level, "info");
}

TEST(ParseCommandLineTest, ParsesCheckWithShortConfigOption) {
  CommandLine parsed = parseCommandLine({"check", "-c", "watch.yaml"});
  EXPECT_EQ(parsed.command, "check");
  EXPECT_EQ(parsed.config_path, "watch.yaml");
}

TEST(ParseCommandLineTest, AcceptsOptionsBeforeCommand) {
  CommandLine parsed = parseCommandLine({"--config", "watch.yaml", "check"});
  EXPECT_EQ(parsed.command, "check");
  EXPECT_EQ(parsed.config_path, "watch.yaml");
}

// A SHA-256 digest of 32 octets.
const std::string kSha256Digest(64, 'A');

TEST(ParseCommandLineTest, ParsesRepeatedDsForCheck) {
  const CommandLine line = parseCommandLine({"check", "--config", "watch.yaml", "--ds",
                                             "Example.COM 12345 13 2 " + kSha256Digest, "--ds",
                                             "example.net. 1 13 1 " + std::string(40, 'E')});
  ASSERT_EQ(line.expected_ds.size(), 2u);
  EXPECT_EQ(line.expected_ds[0].first, "example.com.");
  EXPECT_EQ(line.expected_ds[0].second, "12345 13 2 " + kSha256Digest);
  EXPECT_EQ(line.expected_ds[1].first, "example.net.");
}

TEST(ParseCommandLineTest, RejectsDsWithoutZone) {
  EXPECT_EQ(parseError({"check", "--config", "watch.yaml", "--ds", "12345 13 2 ABCD"}),
            "--ds \"12345 13 2 ABCD\" is not a zone and a DS; give the zone and the DS as the "
            "provider shows it, e.g. --ds \"example.com 12345 13 2 0123ABCD...\"");
}

TEST(ParseCommandLineTest, RejectsDsWithTruncatedDigest) {
  EXPECT_EQ(parseError({"check", "--config", "watch.yaml", "--ds", "example.com 12345 13 2 ABCD"}),
            "--ds \"example.com 12345 13 2 ABCD\" has a digest of 2 octets, but digest type 2 "
            "(SHA-256) needs 32 octets (64 hex digits); give the zone and the DS as the provider "
            "shows it, e.g. --ds \"example.com 12345 13 2 0123ABCD...\"");
}

TEST(ParseCommandLineTest, RejectsDsForRun) {
  EXPECT_EQ(parseError({"run", "--config", "watch.yaml", "--ds", "example.com 1 13 2 " +
                                                                     kSha256Digest}),
            "option --ds does not apply to run; see --help");
}

TEST(ParseCommandLineTest, ParsesJsonFormat) {
  CommandLine parsed = parseCommandLine({"check", "--config", "watch.yaml", "--format", "json"});
  EXPECT_EQ(parsed.format, "json");
}

TEST(ParseCommandLineTest, ParsesLogLevel) {
  CommandLine parsed = parseCommandLine({"run", "--config", "w.yaml", "--log-level", "debug"});
  EXPECT_EQ(parsed.log_level, "debug");
}

TEST(ParseCommandLineTest, RejectsUnknownFormat) {
  const std::string error = parseError({"check", "--config", "watch.yaml", "--format", "yaml"});
  EXPECT_THAT(error, HasSubstr("\"yaml\""));
  EXPECT_THAT(error, HasSubstr("text or json"));
}

TEST(ParseCommandLineTest, RejectsFormatWithoutValue) {
  EXPECT_THAT(parseError({"check", "--config", "watch.yaml", "--format"}), HasSubstr("--format"));
}

TEST(ParseCommandLineTest, RejectsConfigWithoutValue) {
  EXPECT_THAT(parseError({"check", "--config"}), HasSubstr("--config"));
}

TEST(ParseCommandLineTest, RejectsUnknownOption) {
  EXPECT_THAT(parseError({"run", "--config", "watch.yaml", "--verbose"}),
              HasSubstr("\"--verbose\""));
}

TEST(ParseCommandLineTest, RejectsMissingConfig) {
  EXPECT_THAT(parseError({"run"}), HasSubstr("--config"));
}

TEST(ParseCommandLineTest, RejectsUnknownCommand) {
  EXPECT_THAT(parseError({"status", "--config", "watch.yaml"}), HasSubstr("\"status\""));
}

TEST(ParseCommandLineTest, RejectsMissingCommand) {
  EXPECT_THAT(parseError({"--config", "watch.yaml"}), HasSubstr("run, check, plan or canaries"));
}

TEST(ParseCommandLineTest, RejectsEmptyArguments) { EXPECT_NE(parseError({}), "no error"); }

TEST(ParseCommandLineTest, RejectsSecondCommand) {
  EXPECT_THAT(parseError({"run", "check", "--config", "watch.yaml"}), HasSubstr("\"check\""));
}

TEST(ParseCommandLineTest, ParsesLongHelp) {
  EXPECT_EQ(parseCommandLine({"--help"}).command, "help");
}

TEST(ParseCommandLineTest, ParsesShortHelp) { EXPECT_EQ(parseCommandLine({"-h"}).command, "help"); }

TEST(ParseCommandLineTest, ParsesHelpCommand) {
  EXPECT_EQ(parseCommandLine({"help"}).command, "help");
}

TEST(ParseCommandLineTest, HelpNeedsNoConfig) {
  EXPECT_EQ(parseCommandLine({"run", "--help"}).command, "help");
}

TEST(ParseCommandLineTest, ParsesVersion) {
  EXPECT_EQ(parseCommandLine({"--version"}).command, "version");
}

TEST(ParseCommandLineTest, ParsesCanariesWithDefaults) {
  CommandLine parsed = parseCommandLine({"canaries", "--zone", "Example.COM"});
  EXPECT_EQ(parsed.command, "canaries");
  EXPECT_EQ(parsed.zone, "example.com.");
  EXPECT_EQ(parsed.algorithm, 13);
  EXPECT_EQ(parsed.format, "zone");
  EXPECT_EQ(parsed.ttl, 3600u);
}

TEST(ParseCommandLineTest, ParsesCanariesOptions) {
  CommandLine parsed = parseCommandLine({"canaries", "--zone", "example.com.", "--algorithm", "8",
                                         "--rsa-bits", "4096", "--ttl", "300", "--format",
                                         "json"});
  EXPECT_EQ(parsed.algorithm, 8);
  EXPECT_EQ(parsed.rsa_bits, 4096);
  EXPECT_EQ(parsed.ttl, 300u);
  EXPECT_EQ(parsed.format, "json");
}

TEST(ParseCommandLineTest, RejectsCanariesWithoutZone) {
  EXPECT_THAT(parseError({"canaries"}), HasSubstr("--zone NAME"));
}

TEST(ParseCommandLineTest, RejectsInvalidZone) {
  const std::string error = parseError({"canaries", "--zone", "a..example"});
  EXPECT_THAT(error, HasSubstr("\"a..example\""));
  EXPECT_THAT(error, HasSubstr("not a valid domain name"));
}

TEST(ParseCommandLineTest, RejectsUnknownAlgorithm) {
  const std::string error = parseError({"canaries", "--zone", "example.com", "--algorithm", "7"});
  EXPECT_THAT(error, HasSubstr("\"7\""));
  EXPECT_THAT(error, HasSubstr("8, 10, 13, 14, 15 or 16"));
}

TEST(ParseCommandLineTest, RejectsNonNumericAlgorithm) {
  EXPECT_THAT(parseError({"canaries", "--zone", "example.com", "--algorithm", "13x"}),
              HasSubstr("\"13x\""));
}

TEST(ParseCommandLineTest, RejectsRsaBitsForEcdsa) {
  EXPECT_THAT(parseError({"canaries", "--zone", "example.com", "--rsa-bits", "2048"}),
              HasSubstr("only to the RSA algorithms"));
}

TEST(ParseCommandLineTest, RejectsRsaBitsOutOfRange) {
  EXPECT_THAT(
      parseError({"canaries", "--zone", "example.com", "--algorithm", "8", "--rsa-bits", "512"}),
      HasSubstr("1024 to 4096"));
}

TEST(ParseCommandLineTest, RejectsNegativeTtl) {
  EXPECT_THAT(parseError({"canaries", "--zone", "example.com", "--ttl", "-1"}),
              HasSubstr("\"-1\""));
}

TEST(ParseCommandLineTest, RejectsTextFormatForCanaries) {
  EXPECT_THAT(parseError({"canaries", "--zone", "example.com", "--format", "text"}),
              HasSubstr("zone or json"));
}

TEST(ParseCommandLineTest, RejectsConfigForCanaries) {
  EXPECT_THAT(parseError({"canaries", "--zone", "example.com", "--config", "w.yaml"}),
              HasSubstr("--config does not apply to canaries"));
}

TEST(ParseCommandLineTest, RejectsZoneForCheck) {
  EXPECT_THAT(parseError({"check", "--config", "w.yaml", "--zone", "example.com"}),
              HasSubstr("--zone does not apply to check"));
}

TEST(UsageTextTest, NamesCommandsAndOptions) {
  const std::string usage = usageText();
  EXPECT_THAT(usage, HasSubstr("run"));
  EXPECT_THAT(usage, HasSubstr("check"));
  EXPECT_THAT(usage, HasSubstr("--config"));
  EXPECT_THAT(usage, HasSubstr("--format"));
  EXPECT_THAT(usage, HasSubstr("--log-level"));
  EXPECT_THAT(usage, HasSubstr("canaries"));
  EXPECT_THAT(usage, HasSubstr("--zone"));
  EXPECT_THAT(usage, HasSubstr("--algorithm"));
}

TEST(VersionTextTest, NamesLibraries) {
  const std::string version = versionText();
  EXPECT_THAT(version, HasSubstr("dnssec-watch "));
  EXPECT_THAT(version, HasSubstr("libunbound "));
  EXPECT_THAT(version, HasSubstr("c-ares "));
  EXPECT_THAT(version, HasSubstr("ldns "));
}

TEST(ParseCommandLineTest, RejectsNonAsciiZone) {
  EXPECT_THAT(parseError({"canaries", "--zone", "b\u00fccher.example"}),
              HasSubstr("contains non-ASCII characters; write the name with its A-labels"));
}

TEST(ParseCommandLineTest, RejectsZoneWithSpaceOrWildcard) {
  EXPECT_THAT(parseError({"canaries", "--zone", "a b.example"}),
              HasSubstr("--zone \"a b.example\" contains the character \" \""));
  EXPECT_THAT(parseError({"canaries", "--zone", "*.example"}),
              HasSubstr("contains the character \"*\""));
  EXPECT_THAT(parseError({"check", "--config", "c.yaml", "--ds",
                          "b\u00fccher.lab 12345 13 2 ABCD"}),
              HasSubstr("contains non-ASCII characters"));
}

}  // namespace
}  // namespace dw

namespace dw {
namespace {

TEST(ParsePlanCommandTest, ParsesConfigZoneFormatAndDs) {
  const CommandLine parsed =
      parseCommandLine({"plan", "--config", "w.yaml", "--zone", "Example.COM", "--format", "json",
                        "--ds", "example.com 12345 13 2 " + std::string(64, 'A')});
  EXPECT_EQ(parsed.command, "plan");
  EXPECT_EQ(parsed.config_path, "w.yaml");
  EXPECT_EQ(parsed.zone, "example.com.");
  EXPECT_EQ(parsed.format, "json");
  ASSERT_EQ(parsed.expected_ds.size(), 1u);
}

TEST(ParsePlanCommandTest, NeedsConfigAndZone) {
  EXPECT_EQ(parseError({"plan", "--zone", "example.com"}), "plan needs --config FILE");
  EXPECT_EQ(parseError({"plan", "--config", "w.yaml"}),
            "plan needs --zone NAME, a zone of the config");
}

TEST(ParsePlanCommandTest, RejectsCanaryOptionsAndZoneFormat) {
  EXPECT_THAT(parseError({"plan", "--config", "w.yaml", "--zone", "a.b", "--ttl", "60"}),
              HasSubstr("--ttl does not apply to plan"));
  EXPECT_THAT(parseError({"plan", "--config", "w.yaml", "--zone", "a.b", "--format", "zone"}),
              HasSubstr("--format \"zone\" is not a known format"));
}

TEST(ParsePlanCommandTest, UsageNamesPlan) {
  EXPECT_THAT(usageText(), HasSubstr("dnssec-watch plan --config FILE --zone NAME"));
}

}  // namespace
}  // namespace dw

namespace dw {
namespace {

TEST(ParseDsOptionTest, AcceptsTheZoneFileFormOfTheDs) {
  const std::string digest(64, 'A');
  const CommandLine parsed = parseCommandLine(
      {"check", "--config", "w.yaml", "--ds", "example.com. 3600 IN DS 12345 13 2 " + digest});
  ASSERT_EQ(parsed.expected_ds.size(), 1u);
  EXPECT_EQ(parsed.expected_ds[0].first, "example.com.");
  EXPECT_EQ(parsed.expected_ds[0].second, "12345 13 2 " + digest);
  const CommandLine short_form =
      parseCommandLine({"check", "--config", "w.yaml", "--ds", "example.com DS 1 13 2 " + digest});
  EXPECT_EQ(short_form.expected_ds[0].second, "1 13 2 " + digest);
}

}  // namespace
}  // namespace dw
