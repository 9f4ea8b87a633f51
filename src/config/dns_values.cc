// SPDX-License-Identifier: Apache-2.0
// Domain names and RR types, validated and normalised by ldns.
#include "config/values.h"

// <ldns/common.h> defines `true` and `false` as macros unless <stdbool.h> came first.
#include <ldns/ldns.h>
#include <stdbool.h>

#include <cctype>
#include <cstdlib>
#include <memory>
#include <sstream>

namespace dw::config_internal {

namespace {

struct RdfDeleter {
  void operator()(ldns_rdf* rdf) const { ldns_rdf_deep_free(rdf); }
};
using RdfPtr = std::unique_ptr<ldns_rdf, RdfDeleter>;

std::string toLower(const char* text) {
  std::string lower(text);
  for (char& c : lower) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return lower;
}

// Returns the name that ldns parses from `text`, made absolute by ldns_str2rdf_dname, or null.
RdfPtr toDname(const std::string& text, ldns_status& status) {
  ldns_rdf* rdf = nullptr;
  status = ldns_str2rdf_dname(&rdf, text.c_str());
  return RdfPtr(status == LDNS_STATUS_OK ? rdf : nullptr);
}

// Returns whether `text` has the generic "TYPEnnn" form (RFC 3597 section 5) but nnn is not a
// number from 1 to 65535. ldns 1.8.3 returns 12 for "TYPE12abc" and codes beyond 65535 for
// large numbers, so parseRrType rejects these cases before it calls ldns.
bool isMalformedGenericType(const std::string& text) {
  if (text.size() <= 4 || toLower(text.substr(0, 4).c_str()) != "type") {
    return false;
  }
  const std::string digits = text.substr(4);
  if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 5) {
    return true;
  }
  const long code = std::strtol(digits.c_str(), nullptr, 10);
  return code < 1 || code > 65535;
}

// Returns whether `code` is a meta or query type, whose RRs a probe cannot validate. These are
// the codes 128-255 of the IANA RR TYPE registry (RFC 6895) and OPT, the EDNS pseudo-RR (RFC 6891).
bool isMetaOrQueryType(int code) { return code == 41 || (code >= 128 && code <= 255); }

}  // namespace

std::string parseDomainName(const Field& field) {
  for (char c : field.text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      // DNS carries internationalized names as A-labels (RFC 5890); raw UTF-8 matches nothing.
      failValue(field, "contains non-ASCII characters",
                "write the name with its A-labels, e.g. xn--bcher-kva.example for "
                "b\u00fccher.example");
    }
  }
  ldns_status status = LDNS_STATUS_OK;
  RdfPtr dname = toDname(field.text, status);
  if (!dname) {
    failValue(field,
              "is not a valid domain name (" + toLower(ldns_get_errorstr_by_id(status)) + ")",
              "write a name such as www.example.com");
  }
  ldns_dname2canonical(dname.get());
  std::unique_ptr<char, decltype(&std::free)> text(ldns_rdf2str(dname.get()), &std::free);
  return std::string(text.get());
}

bool isAtOrBelow(const std::string& name, const std::string& zone) {
  ldns_status status = LDNS_STATUS_OK;
  RdfPtr name_dname = toDname(name, status);
  RdfPtr zone_dname = toDname(zone, status);
  if (!name_dname || !zone_dname) {
    return false;
  }
  return ldns_dname_compare(name_dname.get(), zone_dname.get()) == 0 ||
         ldns_dname_is_subdomain(name_dname.get(), zone_dname.get());
}

RrType parseRrType(const Field& field) {
  constexpr std::string_view kFix =
      "use a type mnemonic such as A, AAAA, TXT or DNSKEY, or TYPEnnn with nnn from 1 to 65535";
  const int code =
      isMalformedGenericType(field.text) ? 0 : ldns_get_rr_type_by_name(field.text.c_str());
  if (code < 1 || code > 65535) {
    failValue(field, "is not a known RR type", kFix);
  }
  if (isMetaOrQueryType(code)) {
    failValue(field, "is a meta or query type, which has no RRset to validate",
              "use a data type such as A, AAAA, TXT or DNSKEY");
  }
  const auto type = static_cast<ldns_rr_type>(code);
  std::unique_ptr<char, decltype(&std::free)> mnemonic(ldns_rr_type2str(type), &std::free);
  return RrType{static_cast<uint16_t>(code), std::string(mnemonic.get())};
}

std::string trustAnchorProblem(const std::string& contents) {
  std::istringstream lines(contents);
  std::string line;
  int number = 0;
  int records = 0;
  while (std::getline(lines, line)) {
    ++number;
    line = line.substr(0, line.find(';'));
    const size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string::npos || line[start] == '$') {
      continue;
    }
    ldns_rr* rr = nullptr;
    const ldns_status status =
        ldns_rr_new_frm_str(&rr, line.c_str() + start, 3600, nullptr, nullptr);
    if (status != LDNS_STATUS_OK) {
      return "line " + std::to_string(number) + ": " + ldns_get_errorstr_by_id(status);
    }
    const ldns_rr_type type = ldns_rr_get_type(rr);
    ldns_rr_free(rr);
    if (type != LDNS_RR_TYPE_DS && type != LDNS_RR_TYPE_DNSKEY) {
      return "line " + std::to_string(number) + ": not a DS or DNSKEY record";
    }
    ++records;
  }
  return records == 0 ? "no DS or DNSKEY record" : "";
}

}  // namespace dw::config_internal
