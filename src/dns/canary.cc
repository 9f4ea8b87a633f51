// SPDX-License-Identifier: Apache-2.0
#include "dns/canary.h"

// ldns's common.h defines `true` and `false` as macros in C++ unless this comes first.
#include <stdbool.h>

#include <cstdio>
#include <stdexcept>

#include <ldns/ldns.h>

namespace dw::dns {
namespace {

// Wire sizes in octets (RFC 1035 4.1, RFC 4034 3.1, RFC 6891 6.1.2).
constexpr size_t kHeaderSize = 12;
constexpr size_t kQuestionTypeAndClass = 4;
constexpr size_t kCompressedOwner = 2;      // A pointer to the qname in the question.
constexpr size_t kRecordFixedFields = 10;   // TYPE, CLASS, TTL and RDLENGTH.
constexpr size_t kRrsigFixedRdata = 18;     // Type covered to key tag, before the signer name.
constexpr size_t kEmptyOptRecord = 11;      // Root owner, fixed fields, no options.
constexpr size_t kTxtRecordOverhead = kCompressedOwner + kRecordFixedFields + 1;
constexpr size_t kMaxNameOctets = 255;     // RFC 1035 2.3.4.
constexpr size_t kCanaryLabelOctets = 13;  // "dw-size-NNNN" and its length octet.

// Size of the answer without the TXT records: header, question, RRSIG and OPT.
size_t answerSizeWithoutTxt(const std::string& owner, const std::string& signer,
                            size_t signature_length) {
  const size_t question = nameWireLength(owner) + kQuestionTypeAndClass;
  const size_t rrsig = kCompressedOwner + kRecordFixedFields + kRrsigFixedRdata +
                       nameWireLength(signer) + signature_length;
  return kHeaderSize + question + rrsig + kEmptyOptRecord;
}

// The readable start of a TXT string: what the record is for and where it belongs.
std::string stringPrefix(size_t answer_size, size_t record, size_t records) {
  return "dnssec-watch size canary: signed answer of " + std::to_string(answer_size) +
         " octets, record " + std::to_string(record) + " of " + std::to_string(records) + " ";
}

// Splits `txt_octets` (the TXT records' share of the answer) into as few records as the
// 255-octet string limit allows, with string lengths that differ by at most one octet.
std::vector<size_t> stringLengths(size_t txt_octets) {
  const size_t max_record = kTxtRecordOverhead + kMaxCharacterString;
  const size_t records = (txt_octets + max_record - 1) / max_record;
  std::vector<size_t> lengths;
  for (size_t i = 0; i < records; ++i) {
    const size_t record_octets = txt_octets / records + (i < txt_octets % records ? 1 : 0);
    lengths.push_back(record_octets - kTxtRecordOverhead);
  }
  return lengths;
}

[[noreturn]] void throwTooSmall(const std::string& owner, size_t answer_size, size_t minimum) {
  throw std::invalid_argument(
      "the answer for " + owner + " cannot be " + std::to_string(answer_size) +
      " octets, because with this zone name and signature size it takes at least " +
      std::to_string(minimum) + "; use a shorter zone name or an algorithm with shorter "
      "signatures");
}

SizeCanary buildCanary(size_t answer_size, const std::string& zone, size_t signature_length) {
  SizeCanary canary{canaryOwner(answer_size, zone), answer_size, {}};
  if (nameWireLength(zone) + kCanaryLabelOctets > kMaxNameOctets) {
    throw std::invalid_argument("zone name " + zone + " is too long for the canary owner " +
                                canary.owner + ", which would exceed 255 octets; use a zone name "
                                "of at most " + std::to_string(kMaxNameOctets - kCanaryLabelOctets) +
                                " octets in wire form");
  }
  const size_t without_txt = answerSizeWithoutTxt(canary.owner, zone, signature_length);
  const size_t minimum = without_txt + kTxtRecordOverhead + stringPrefix(answer_size, 1, 1).size();
  if (answer_size < minimum) {
    throwTooSmall(canary.owner, answer_size, minimum);
  }
  const std::vector<size_t> lengths = stringLengths(answer_size - without_txt);
  for (size_t i = 0; i < lengths.size(); ++i) {
    std::string text = stringPrefix(answer_size, i + 1, lengths.size());
    // Strings of several records are longer than 121 octets, so the prefix always fits.
    text.resize(lengths[i], 'x');
    canary.strings.push_back(std::move(text));
  }
  return canary;
}

}  // namespace

std::optional<size_t> signatureLength(int algorithm, int rsa_bits) {
  switch (algorithm) {
    case 8:   // RSASHA256 (RFC 5702)
    case 10:  // RSASHA512 (RFC 5702)
      return static_cast<size_t>((rsa_bits + 7) / 8);
    case 13:  // ECDSAP256SHA256: r and s of 32 octets each (RFC 6605 4)
      return 64;
    case 14:  // ECDSAP384SHA384: r and s of 48 octets each (RFC 6605 4)
      return 96;
    case 15:  // ED25519 (RFC 8080 4)
      return 64;
    case 16:  // ED448 (RFC 8080 4)
      return 114;
    default:
      return std::nullopt;
  }
}

std::string canaryOwner(size_t answer_size, const std::string& zone) {
  char label[32];
  std::snprintf(label, sizeof(label), "dw-size-%04zu.", answer_size);
  return zone == "." ? std::string(label) : label + zone;
}

// ldns parses the presentation form, so an escape such as "\." or "\032" counts as one octet.
size_t nameWireLength(const std::string& name) {
  ldns_rdf* rdf = nullptr;
  if (ldns_str2rdf_dname(&rdf, name.c_str()) != LDNS_STATUS_OK) {
    throw std::invalid_argument("\"" + name + "\" is not a valid domain name");
  }
  const size_t length = ldns_rdf_size(rdf);
  ldns_rdf_deep_free(rdf);
  return length;
}

size_t signedTxtAnswerSize(const std::string& owner, const std::string& signer,
                           const std::vector<std::string>& strings, size_t signature_length) {
  size_t size = answerSizeWithoutTxt(owner, signer, signature_length);
  for (const std::string& text : strings) {
    size += kTxtRecordOverhead + text.size();
  }
  return size;
}

std::vector<SizeCanary> buildSizeCanaries(const std::string& zone, size_t signature_length) {
  std::vector<SizeCanary> canaries;
  for (size_t answer_size : kCanaryAnswerSizes) {
    canaries.push_back(buildCanary(answer_size, zone, signature_length));
  }
  return canaries;
}

}  // namespace dw::dns
