// SPDX-License-Identifier: Apache-2.0
// Size canaries: TXT records whose signed answers have chosen sizes, so that probes can find
// the largest answer that reaches a client through a resolver and its network path.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace dw::dns {

// Answer sizes in octets of the canaries, in ascending order: just under and just over 512
// (DNS over UDP without EDNS), 1232 (the DNS Flag Day 2020 EDNS buffer size), 1400 and 1500
// (around the 1500-octet Ethernet MTU, where IP fragmentation starts), and 4000, which takes
// three fragments on Ethernet.
constexpr std::array<size_t, 9> kCanaryAnswerSizes = {496,  528,  1216, 1248, 1384,
                                                      1416, 1484, 1516, 4000};

// A character-string in TXT RDATA holds at most 255 octets after its length octet
// (RFC 1035 3.3).
constexpr size_t kMaxCharacterString = 255;

// One canary: a TXT RRset of one character-string per record. One string per record keeps each
// record within the value limits of DNS providers that accept only a single string.
struct SizeCanary {
  std::string owner;                 // Absolute and lower case, e.g. "dw-size-0496.example.com.".
  size_t answer_size = 0;            // Size of the signed DO answer, in octets.
  std::vector<std::string> strings;  // One per TXT record, each at most 255 octets.
};

// Returns the length in octets of an RRSIG signature for a DNSSEC algorithm number, or nullopt
// for an algorithm this table does not know. `rsa_bits` is the modulus size of algorithms 8
// and 10 (RSA, RFC 5702), whose signature is as long as the modulus.
std::optional<size_t> signatureLength(int algorithm, int rsa_bits);

// Returns the owner name of the canary for `answer_size` under `zone`, e.g.
// "dw-size-0496.example.com.". `zone` must be canonical (see canonicalName).
std::string canaryOwner(size_t answer_size, const std::string& zone);

// Returns the length of a name in uncompressed wire form. Throws std::invalid_argument when
// `name` is not a valid domain name, e.g. longer than 255 octets.
size_t nameWireLength(const std::string& name);

// Returns the size in octets of the answer to a TXT query for `owner` with DO set and an OPT
// record without options, given minimal responses: the header, the question, the TXT RRset
// with one string per record and one RRSIG by `signer`, and the OPT record. Owner names in
// the answer are compressed to a pointer to the question. The RRSIG signer name is not, as
// RFC 4034 3.1.7 requires.
size_t signedTxtAnswerSize(const std::string& owner, const std::string& signer,
                           const std::vector<std::string>& strings, size_t signature_length);

// Builds the canaries of kCanaryAnswerSizes for `zone` (canonical), signed by the zone's own
// key with signatures of `signature_length` octets. Throws std::invalid_argument when the
// zone name is so long that the smallest canary cannot reach its size.
std::vector<SizeCanary> buildSizeCanaries(const std::string& zone, size_t signature_length);

}  // namespace dw::dns
