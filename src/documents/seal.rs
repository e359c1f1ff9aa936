//! The PDF signature every certificate and visa letter carries: a CMS signature over the whole
//! file (PAdES baseline B-B, `ETSI.CAdES.detached`) with the issuer's key and X.509 certificate,
//! which PDF readers and Poppler's `pdfsig` check; any change to the file afterwards breaks it.
//!
//! The renderers leave room for it ([`super::pdf::finish_sealable`]: a signature field whose
//! `/Contents` is zeros and whose `/ByteRange` is a placeholder); [`Sealer::seal`] fills both in
//! place, at the same length, so nothing else in the file moves. [`check`] reads a file's
//! signature back, as `summer-school certificates verify` reports it. No I/O here: the key pair
//! comes from `startup::pdf_sealer`.
//!
//! The signed attributes are those B-B asks for: the content type, the message digest (SHA-256 of
//! the two signed byte ranges) and the signing certificate (ESS `signing-certificate-v2`); the
//! signing time is the signature dictionary's `/M`, the record's issue time.

use cms::cert::x509::Certificate;
use cms::cert::x509::der::asn1::{BitString, ObjectIdentifier, OctetString, SetOfVec};
use cms::cert::x509::der::{Any, Decode, Encode, SliceReader};
use cms::cert::x509::ext::Extension;
use cms::cert::x509::name::Name;
use cms::cert::x509::serial_number::SerialNumber;
use cms::cert::x509::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use cms::cert::x509::time::{Time, Validity};
use cms::cert::x509::{TbsCertificate, Version};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use ring::rand::SystemRandom;
use ring::signature::{self as sig, KeyPair};
use sha2::{Digest, Sha256};
use std::str::FromStr;
use time::OffsetDateTime;

/// The bytes kept for the CMS signature in `/Contents` (written as twice as many hex digits):
/// room for the signer's certificate and a chain of a few more.
pub(super) const CONTENTS_LEN: usize = 8192;
/// What `/ByteRange` holds until the file is sealed: ten digits, as wide as any real offset.
pub(super) const BYTE_RANGE_PLACEHOLDER: i64 = 9_999_999_999;

/// The organisation the generated development certificate names, and by which production knows
/// it and refuses it.
pub const DEVELOPMENT_ORGANIZATION: &str = "summer-school development (not for production)";

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const ID_SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const PRIME256V1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const ID_CE_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const ID_CE_BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");

/// Why a key pair cannot seal documents.
#[derive(Debug, thiserror::Error)]
pub enum SealKeyError {
    #[error("the private key is not a PEM PKCS#8 key (`-----BEGIN PRIVATE KEY-----`): {0}")]
    Key(String),
    #[error("the certificate file holds no readable PEM X.509 certificate: {0}")]
    Certificate(String),
    #[error(
        "the private key is neither ECDSA P-256 nor RSA (2048 to 8192 bits): those are the keys PDF readers check"
    )]
    Unsupported,
    #[error("the private key does not belong to the first certificate of the file")]
    Mismatch,
}

enum Key {
    Ecdsa(sig::EcdsaKeyPair),
    Rsa(sig::RsaKeyPair),
}

impl Key {
    fn from_pkcs8(pkcs8: &[u8]) -> Result<Key, SealKeyError> {
        let rng = SystemRandom::new();
        if let Ok(k) =
            sig::EcdsaKeyPair::from_pkcs8(&sig::ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8, &rng)
        {
            return Ok(Key::Ecdsa(k));
        }
        sig::RsaKeyPair::from_pkcs8(pkcs8)
            .map(Key::Rsa)
            .map_err(|_| SealKeyError::Unsupported)
    }

    fn public_key(&self) -> &[u8] {
        match self {
            Key::Ecdsa(k) => k.public_key().as_ref(),
            Key::Rsa(k) => k.public_key().as_ref(),
        }
    }

    fn signature_algorithm(&self) -> AlgorithmIdentifierOwned {
        match self {
            Key::Ecdsa(_) => AlgorithmIdentifierOwned {
                oid: ECDSA_WITH_SHA256,
                parameters: None,
            },
            Key::Rsa(_) => AlgorithmIdentifierOwned {
                oid: SHA256_WITH_RSA,
                parameters: Some(Any::null()),
            },
        }
    }

    fn sign(&self, message: &[u8]) -> Vec<u8> {
        let rng = SystemRandom::new();
        match self {
            Key::Ecdsa(k) => k
                .sign(&rng, message)
                .expect("ECDSA signing with the system's randomness")
                .as_ref()
                .to_vec(),
            Key::Rsa(k) => {
                let mut out = vec![0; k.public().modulus_len()];
                k.sign(&sig::RSA_PKCS1_SHA256, &rng, message, &mut out)
                    .expect("RSA signing into a buffer of the modulus' length");
                out
            }
        }
    }
}

/// A printed certificate or visa letter before [`Sealer::seal`]: its signature field is still
/// empty, so it is not for anyone's hands (the type keeps it from being served as it is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsealed(Vec<u8>);

impl Unsealed {
    pub(super) fn new(bytes: Vec<u8>) -> Unsealed {
        Unsealed(bytes)
    }

    /// The file as printed, for tests that read the page or the embedded record.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl std::ops::Deref for Unsealed {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for Unsealed {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// The issuer's key pair: the private key and the certificates embedded with each signature (the
/// signer's first, then any chain up to a trusted root).
pub struct Sealer {
    key: Key,
    chain: Vec<Certificate>,
}

impl Sealer {
    /// The pair from PEM files' contents: a PKCS#8 private key (ECDSA P-256 or RSA) and one or more
    /// certificates, the key's own first.
    pub fn from_pem(key_pem: &str, certificates_pem: &str) -> Result<Sealer, SealKeyError> {
        let (label, pkcs8) = cms::cert::x509::der::pem::decode_vec(key_pem.trim().as_bytes())
            .map_err(|e| SealKeyError::Key(e.to_string()))?;
        if label != "PRIVATE KEY" {
            return Err(SealKeyError::Key(format!(
                "found `{label}`; convert it with `openssl pkcs8 -topk8 -nocrypt`"
            )));
        }
        let chain = Certificate::load_pem_chain(certificates_pem.trim().as_bytes())
            .map_err(|e| SealKeyError::Certificate(e.to_string()))?;
        Sealer::new(&pkcs8, chain)
    }

    fn new(pkcs8: &[u8], chain: Vec<Certificate>) -> Result<Sealer, SealKeyError> {
        let key = Key::from_pkcs8(pkcs8)?;
        let leaf = chain
            .first()
            .ok_or_else(|| SealKeyError::Certificate("no certificate".into()))?;
        let spki = &leaf.tbs_certificate.subject_public_key_info;
        if spki.subject_public_key.raw_bytes() != key.public_key() {
            return Err(SealKeyError::Mismatch);
        }
        Ok(Sealer { key, chain })
    }

    /// A new self-signed development pair for `common_name`, valid ten years from `now`, as the
    /// PEM texts of its private key and certificate. Its organisation is
    /// [`DEVELOPMENT_ORGANIZATION`], which production refuses.
    pub fn generate_development(
        common_name: &str,
        now: OffsetDateTime,
    ) -> Result<(String, String), SealKeyError> {
        let rng = SystemRandom::new();
        let pkcs8 = sig::EcdsaKeyPair::generate_pkcs8(&sig::ECDSA_P256_SHA256_ASN1_SIGNING, &rng)
            .map_err(|_| SealKeyError::Key("no randomness to generate a key".into()))?;
        let key = Key::from_pkcs8(pkcs8.as_ref())?;
        let name = Name::from_str(&format!(
            "CN={},O={}",
            escape_rdn(common_name),
            DEVELOPMENT_ORGANIZATION
        ))
        .map_err(|e| SealKeyError::Certificate(e.to_string()))?;
        let time = |t: OffsetDateTime| -> Result<Time, SealKeyError> {
            let seconds = u64::try_from(t.unix_timestamp())
                .map_err(|_| SealKeyError::Certificate("a time before 1970".into()))?;
            cms::cert::x509::der::asn1::GeneralizedTime::from_unix_duration(
                std::time::Duration::from_secs(seconds),
            )
            .map(Time::GeneralTime)
            .map_err(|e| SealKeyError::Certificate(e.to_string()))
        };
        let mut serial = [0u8; 16];
        ring::rand::SecureRandom::fill(&rng, &mut serial)
            .map_err(|_| SealKeyError::Key("no randomness".into()))?;
        serial[0] &= 0x7f;
        serial[0] |= 0x40;
        let der_err = |e: cms::cert::x509::der::Error| SealKeyError::Certificate(e.to_string());
        // keyUsage: digitalSignature and nonRepudiation, the first two bits (six left unused).
        let key_usage = BitString::new(6, vec![0b1100_0000]).map_err(der_err)?;
        let tbs = TbsCertificate {
            version: Version::V3,
            serial_number: SerialNumber::new(&serial).map_err(der_err)?,
            signature: key.signature_algorithm(),
            issuer: name.clone(),
            validity: Validity {
                not_before: time(now - time::Duration::days(1))?,
                not_after: time(now + time::Duration::days(3650))?,
            },
            subject: name,
            subject_public_key_info: SubjectPublicKeyInfoOwned {
                algorithm: AlgorithmIdentifierOwned {
                    oid: ID_EC_PUBLIC_KEY,
                    parameters: Some(Any::encode_from(&PRIME256V1).map_err(der_err)?),
                },
                subject_public_key: BitString::from_bytes(key.public_key()).map_err(der_err)?,
            },
            issuer_unique_id: None,
            subject_unique_id: None,
            extensions: Some(vec![
                Extension {
                    extn_id: ID_CE_BASIC_CONSTRAINTS,
                    critical: true,
                    // SEQUENCE {}: not a certificate authority.
                    extn_value: OctetString::new(vec![0x30, 0x00]).map_err(der_err)?,
                },
                Extension {
                    extn_id: ID_CE_KEY_USAGE,
                    critical: true,
                    extn_value: OctetString::new(key_usage.to_der().map_err(der_err)?)
                        .map_err(der_err)?,
                },
            ]),
        };
        let signature = key.sign(&tbs.to_der().map_err(der_err)?);
        let certificate = Certificate {
            tbs_certificate: tbs,
            signature_algorithm: key.signature_algorithm(),
            signature: BitString::from_bytes(&signature).map_err(der_err)?,
        };
        let line_ending = cms::cert::x509::der::pem::LineEnding::LF;
        let cert_pem = cms::cert::x509::der::pem::encode_string(
            "CERTIFICATE",
            line_ending,
            &certificate.to_der().map_err(der_err)?,
        )
        .map_err(|e| SealKeyError::Certificate(e.to_string()))?;
        let key_pem =
            cms::cert::x509::der::pem::encode_string("PRIVATE KEY", line_ending, pkcs8.as_ref())
                .map_err(|e| SealKeyError::Key(e.to_string()))?;
        Ok((key_pem, cert_pem))
    }

    /// Whether this is a generated development pair (its certificate names
    /// [`DEVELOPMENT_ORGANIZATION`]).
    pub fn is_development(&self) -> bool {
        self.subject().contains(DEVELOPMENT_ORGANIZATION)
    }

    /// The signer's distinguished name, as its certificate gives it.
    pub fn subject(&self) -> String {
        self.chain[0].tbs_certificate.subject.to_string()
    }

    /// SHA-256 of the signer's certificate in hex, as [`Seal::certificate_sha256`] gives it of a
    /// file: what the issuer publishes for readers to compare.
    pub fn certificate_sha256(&self) -> String {
        fingerprint(&self.chain[0])
    }

    /// The signer's certificate in PEM, to publish.
    pub fn certificate_pem(&self) -> String {
        use cms::cert::x509::der::EncodePem;
        self.chain[0]
            .to_pem(cms::cert::x509::der::pem::LineEnding::LF)
            .expect("a certificate that was read encodes again")
    }

    /// The printed file, signed: the byte ranges and the CMS signature written into the room
    /// [`super::pdf::finish_sealable`] left for them.
    pub fn seal(&self, unsealed: Unsealed) -> Vec<u8> {
        let mut pdf = unsealed.0;
        let room = Room::find(&pdf).expect("the file was printed with a signature field");
        let ranges = format!(
            "[0 {} {} {}]",
            room.contents_start,
            room.contents_end,
            pdf.len() - room.contents_end
        );
        let width = room.byte_range.len();
        let padded = format!("{ranges:<width$}");
        debug_assert_eq!(padded.len(), width);
        pdf[room.byte_range.clone()].copy_from_slice(padded.as_bytes());
        let digest = signed_digest(&pdf, room.contents_start, room.contents_end);
        let cms = self.cms(&digest);
        assert!(
            cms.len() <= CONTENTS_LEN,
            "the CMS signature fits the room kept for it"
        );
        let hex: String = cms.iter().map(|b| format!("{b:02X}")).collect();
        pdf[room.contents_start + 1..room.contents_start + 1 + hex.len()]
            .copy_from_slice(hex.as_bytes());
        pdf
    }

    fn cms(&self, digest: &[u8]) -> Vec<u8> {
        self.try_cms(digest)
            .expect("encoding a CMS signature of well-formed parts")
    }

    fn try_cms(&self, digest: &[u8]) -> cms::cert::x509::der::Result<Vec<u8>> {
        let leaf = &self.chain[0];
        let leaf_der = leaf.to_der()?;
        let sha256 = AlgorithmIdentifierOwned {
            oid: ID_SHA256,
            parameters: None,
        };
        let attribute = |oid, value: Any| -> cms::cert::x509::der::Result<_> {
            Ok(cms::cert::x509::attr::Attribute {
                oid,
                values: SetOfVec::try_from(vec![value])?,
            })
        };
        let signed_attrs = SetOfVec::try_from(vec![
            attribute(ID_CONTENT_TYPE, Any::encode_from(&ID_DATA)?)?,
            attribute(
                ID_MESSAGE_DIGEST,
                Any::encode_from(&OctetString::new(digest)?)?,
            )?,
            attribute(
                ID_SIGNING_CERTIFICATE_V2,
                Any::from_der(&signing_certificate_v2(&Sha256::digest(&leaf_der)))?,
            )?,
        ])?;
        let signature = self.key.sign(&signed_attrs.to_der()?);
        let signer = SignerInfo {
            version: CmsVersion::V1,
            sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
                issuer: leaf.tbs_certificate.issuer.clone(),
                serial_number: leaf.tbs_certificate.serial_number.clone(),
            }),
            digest_alg: sha256.clone(),
            signed_attrs: Some(signed_attrs),
            signature_algorithm: self.key.signature_algorithm(),
            signature: OctetString::new(signature)?,
            unsigned_attrs: None,
        };
        let certificates = self
            .chain
            .iter()
            .map(|c| CertificateChoices::Certificate(c.clone()))
            .collect::<Vec<_>>();
        let signed = SignedData {
            version: CmsVersion::V1,
            digest_algorithms: SetOfVec::try_from(vec![sha256])?,
            encap_content_info: EncapsulatedContentInfo {
                econtent_type: ID_DATA,
                econtent: None,
            },
            certificates: Some(CertificateSet(SetOfVec::try_from(certificates)?)),
            crls: None,
            signer_infos: SignerInfos(SetOfVec::try_from(vec![signer])?),
        };
        ContentInfo {
            content_type: ID_SIGNED_DATA,
            content: Any::encode_from(&signed)?,
        }
        .to_der()
    }
}

/// `SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }` with one
/// `ESSCertIDv2 ::= SEQUENCE { certHash OCTET STRING }` (SHA-256, the default, so not named).
fn signing_certificate_v2(cert_hash: &[u8]) -> Vec<u8> {
    let tlv = |tag: u8, body: Vec<u8>| -> Vec<u8> {
        let mut out = vec![tag, u8::try_from(body.len()).expect("a short body")];
        out.extend(body);
        out
    };
    tlv(0x30, tlv(0x30, tlv(0x30, tlv(0x04, cert_hash.to_vec()))))
}

/// A common name as an RFC 4514 attribute value.
fn escape_rdn(value: &str) -> String {
    let mut out = String::new();
    for c in value.chars() {
        if matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Where the signature's placeholders lie in a printed file.
struct Room {
    /// The `[…]` of `/ByteRange`.
    byte_range: std::ops::Range<usize>,
    /// The `<` and one past the `>` of `/Contents`.
    contents_start: usize,
    contents_end: usize,
}

impl Room {
    fn find(pdf: &[u8]) -> Option<Room> {
        let placeholder = format!("[0 {p} {p} {p}]", p = BYTE_RANGE_PLACEHOLDER);
        let start = find(pdf, placeholder.as_bytes(), 0)?;
        let byte_range = start..start + placeholder.len();
        let mut zeros = vec![b'<'];
        zeros.extend(std::iter::repeat_n(b'0', 2 * CONTENTS_LEN));
        zeros.push(b'>');
        // The signature dictionary is written as one object: its /Contents is near its /ByteRange.
        let from = start.saturating_sub(4 * CONTENTS_LEN);
        let contents_start = find(pdf, &zeros, from)?;
        Some(Room {
            byte_range,
            contents_start,
            contents_end: contents_start + zeros.len(),
        })
    }
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

fn signed_digest(pdf: &[u8], gap_start: usize, gap_end: usize) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(&pdf[..gap_start]);
    hasher.update(&pdf[gap_end..]);
    hasher.finalize().to_vec()
}

/// A file's PDF signature, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seal {
    /// The signer's distinguished name.
    pub signer: String,
    /// SHA-256 of the signer's certificate, in hex: what a reader compares with the issuer's.
    pub certificate_sha256: String,
    /// Whether the signer's certificate is the generated development one.
    pub development: bool,
}

/// Why a file's PDF signature does not stand.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Broken {
    #[error("the file carries no PDF signature")]
    Unsigned,
    #[error("the PDF signature does not cover the whole file: something was added after signing")]
    Partial,
    #[error("the PDF signature is not readable CMS")]
    Unreadable,
    #[error("the file was changed after it was signed: the PDF signature no longer matches it")]
    Changed,
}

/// Checks the signature of `pdf`: it covers the whole file, its digest is the file's, and the
/// signer's certificate verifies it. Trust in that certificate is the reader's to decide (compare
/// [`Seal::certificate_sha256`] with the issuer's published one).
pub fn check(pdf: &[u8]) -> Result<Seal, Broken> {
    let doc = lopdf::Document::load_mem(pdf).map_err(|_| Broken::Unsigned)?;
    let dict = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .find(|d| {
            d.get(b"Type")
                .and_then(lopdf::Object::as_name)
                .is_ok_and(|n| n == b"Sig")
        })
        .ok_or(Broken::Unsigned)?;
    let ranges: Vec<usize> = dict
        .get(b"ByteRange")
        .and_then(lopdf::Object::as_array)
        .map_err(|_| Broken::Unsigned)?
        .iter()
        .map(|o| o.as_i64().ok().and_then(|n| usize::try_from(n).ok()))
        .collect::<Option<_>>()
        .ok_or(Broken::Unsigned)?;
    let [0, gap_start, gap_end, tail] = ranges[..] else {
        return Err(Broken::Partial);
    };
    if gap_end.checked_add(tail) != Some(pdf.len())
        || gap_start >= gap_end
        || pdf.get(gap_start) != Some(&b'<')
        || pdf.get(gap_end - 1) != Some(&b'>')
    {
        return Err(Broken::Partial);
    }
    let contents = match dict.get(b"Contents") {
        Ok(lopdf::Object::String(bytes, _)) => bytes.as_slice(),
        _ => return Err(Broken::Unsigned),
    };
    let mut reader = SliceReader::new(contents).map_err(|_| Broken::Unreadable)?;
    let info = ContentInfo::decode(&mut reader).map_err(|_| Broken::Unreadable)?;
    if info.content_type != ID_SIGNED_DATA {
        return Err(Broken::Unreadable);
    }
    let signed: SignedData = info.content.decode_as().map_err(|_| Broken::Unreadable)?;
    let signer = signed
        .signer_infos
        .0
        .iter()
        .next()
        .ok_or(Broken::Unreadable)?;
    let certificate = signed
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .find_map(|c| match c {
            CertificateChoices::Certificate(c) => match &signer.sid {
                SignerIdentifier::IssuerAndSerialNumber(id)
                    if c.tbs_certificate.issuer == id.issuer
                        && c.tbs_certificate.serial_number == id.serial_number =>
                {
                    Some(c)
                }
                _ => None,
            },
            CertificateChoices::Other(_) => None,
        })
        .ok_or(Broken::Unreadable)?;
    let attrs = signer.signed_attrs.as_ref().ok_or(Broken::Unreadable)?;
    let digest = attrs
        .iter()
        .find(|a| a.oid == ID_MESSAGE_DIGEST)
        .and_then(|a| a.values.iter().next())
        .and_then(|v| v.decode_as::<OctetString>().ok())
        .ok_or(Broken::Unreadable)?;
    if digest.as_bytes() != signed_digest(pdf, gap_start, gap_end) {
        return Err(Broken::Changed);
    }
    let spki = &certificate.tbs_certificate.subject_public_key_info;
    let algorithm: &dyn sig::VerificationAlgorithm = match spki.algorithm.oid {
        ID_EC_PUBLIC_KEY => &sig::ECDSA_P256_SHA256_ASN1,
        RSA_ENCRYPTION => &sig::RSA_PKCS1_2048_8192_SHA256,
        _ => return Err(Broken::Unreadable),
    };
    let message = attrs.to_der().map_err(|_| Broken::Unreadable)?;
    sig::UnparsedPublicKey::new(algorithm, spki.subject_public_key.raw_bytes())
        .verify(&message, signer.signature.as_bytes())
        .map_err(|_| Broken::Changed)?;
    let subject = certificate.tbs_certificate.subject.to_string();
    Ok(Seal {
        development: subject.contains(DEVELOPMENT_ORGANIZATION),
        signer: subject,
        certificate_sha256: fingerprint(certificate),
    })
}

fn fingerprint(certificate: &Certificate) -> String {
    let der = certificate
        .to_der()
        .expect("a certificate that was read encodes again");
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_pair_loads_back_and_is_known_as_development() {
        let (key, cert) =
            Sealer::generate_development("Test issuer, Paris", OffsetDateTime::now_utc()).unwrap();
        let sealer = Sealer::from_pem(&key, &cert).unwrap();
        assert!(sealer.is_development());
        assert!(sealer.subject().contains("Test issuer\\, Paris"));
        let (other_key, _) =
            Sealer::generate_development("Other", OffsetDateTime::now_utc()).unwrap();
        assert!(matches!(
            Sealer::from_pem(&other_key, &cert),
            Err(SealKeyError::Mismatch)
        ));
        assert!(matches!(
            Sealer::from_pem(&cert, &cert),
            Err(SealKeyError::Key(_))
        ));
    }
}
