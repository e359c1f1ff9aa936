//! Data Integrity proofs with the `eddsa-jcs-2022` cryptosuite (W3C "Data Integrity EdDSA
//! Cryptosuites v1.0"), as Open Badges 3.0 credentials carry them, and Ed25519 keys as Multikeys.
//!
//! Signing: the proof's configuration (the proof without `proofValue`, with the document's
//! `@context`) and the document without its proof are each canonicalized (RFC 8785) and hashed
//! with SHA-256; the Ed25519 signature over the two hashes, configuration first, is the proof value,
//! written in base58-btc multibase (`z…`). Verification redoes the same from the secured document.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::certificate::{CanonicalError, canonical_json};

/// The multicodec prefixes of an Ed25519 public and private key (varints of 0xed and 0x1300).
const ED25519_PUB: [u8; 2] = [0xed, 0x01];
const ED25519_PRIV: [u8; 2] = [0x80, 0x26];

/// The public key as a Multikey `publicKeyMultibase` (`z6Mk…`).
pub fn multikey(key: &VerifyingKey) -> String {
    let mut bytes = ED25519_PUB.to_vec();
    bytes.extend_from_slice(key.as_bytes());
    format!("z{}", bs58::encode(bytes).into_string())
}

/// A Multikey public key, if `text` is one.
pub fn parse_multikey(text: &str) -> Option<VerifyingKey> {
    let bytes = bs58::decode(text.strip_prefix('z')?).into_vec().ok()?;
    let key: [u8; 32] = bytes.strip_prefix(&ED25519_PUB)?.try_into().ok()?;
    VerifyingKey::from_bytes(&key).ok()
}

/// A Multikey secret key (`secretKeyMultibase`), if `text` is one.
pub fn parse_secret_multikey(text: &str) -> Option<SigningKey> {
    let bytes = bs58::decode(text.strip_prefix('z')?).into_vec().ok()?;
    let key: [u8; 32] = bytes.strip_prefix(&ED25519_PRIV)?.try_into().ok()?;
    Some(SigningKey::from_bytes(&key))
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("the document is not a JSON object")]
    NotAnObject,
    #[error(
        "the document has no proof, or its proof is not an eddsa-jcs-2022 Data Integrity proof"
    )]
    NoProof,
    #[error(transparent)]
    Canonical(#[from] CanonicalError),
}

/// What the proof says besides its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofOptions {
    /// `2026-07-20T00:00:00Z`.
    pub created: String,
    /// The key's address: the issuer's id with the Multikey as fragment.
    pub verification_method: String,
}

/// The two hashes that are signed: of the proof configuration, then of the document.
fn hash_data(
    document: &Map<String, Value>,
    config: &Map<String, Value>,
) -> Result<Vec<u8>, ProofError> {
    let mut unsecured = document.clone();
    unsecured.remove("proof");
    let config_hash = Sha256::digest(canonical_json(&Value::Object(config.clone()))?.as_bytes());
    let document_hash = Sha256::digest(canonical_json(&Value::Object(unsecured))?.as_bytes());
    let mut data = config_hash.to_vec();
    data.extend_from_slice(&document_hash);
    Ok(data)
}

/// `document` with an `eddsa-jcs-2022` proof by `key`.
pub fn add_proof(
    document: &Value,
    options: &ProofOptions,
    key: &SigningKey,
) -> Result<Value, ProofError> {
    let Value::Object(doc) = document else {
        return Err(ProofError::NotAnObject);
    };
    let mut config = Map::new();
    config.insert("type".into(), "DataIntegrityProof".into());
    config.insert("cryptosuite".into(), "eddsa-jcs-2022".into());
    config.insert("created".into(), options.created.clone().into());
    config.insert(
        "verificationMethod".into(),
        options.verification_method.clone().into(),
    );
    config.insert("proofPurpose".into(), "assertionMethod".into());
    if let Some(context) = doc.get("@context") {
        config.insert("@context".into(), context.clone());
    }
    let data = hash_data(doc, &config)?;
    let signature = key.sign(&data).to_bytes();
    config.insert(
        "proofValue".into(),
        format!("z{}", bs58::encode(signature).into_string()).into(),
    );
    let mut secured = doc.clone();
    secured.insert("proof".into(), Value::Object(config));
    Ok(Value::Object(secured))
}

/// [`add_proof`], with the proof in a set of one (`"proof": [ … ]`), as Open Badges 3.0 wants it.
pub fn add_proof_set(
    document: &Value,
    options: &ProofOptions,
    key: &SigningKey,
) -> Result<Value, ProofError> {
    let mut secured = add_proof(document, options, key)?;
    if let Some(proof) = secured.get_mut("proof") {
        *proof = Value::Array(vec![proof.take()]);
    }
    Ok(secured)
}

/// Whether `secured` carries a valid `eddsa-jcs-2022` proof by `key` (its proof, or the first of
/// its set of proofs).
pub fn verify_proof(secured: &Value, key: &VerifyingKey) -> Result<bool, ProofError> {
    let Value::Object(doc) = secured else {
        return Err(ProofError::NotAnObject);
    };
    let proof = match doc.get("proof") {
        Some(Value::Object(proof)) => proof,
        Some(Value::Array(set)) => match set.first() {
            Some(Value::Object(proof)) => proof,
            _ => return Err(ProofError::NoProof),
        },
        _ => return Err(ProofError::NoProof),
    };
    if proof.get("type").and_then(Value::as_str) != Some("DataIntegrityProof")
        || proof.get("cryptosuite").and_then(Value::as_str) != Some("eddsa-jcs-2022")
    {
        return Err(ProofError::NoProof);
    }
    let Some(value) = proof.get("proofValue").and_then(Value::as_str) else {
        return Err(ProofError::NoProof);
    };
    let Some(signature) = value
        .strip_prefix('z')
        .and_then(|v| bs58::decode(v).into_vec().ok())
        .and_then(|b| Signature::from_slice(&b).ok())
    else {
        return Ok(false);
    };
    // A proof's @context, when present, must be the document's.
    if let Some(context) = proof.get("@context")
        && doc.get("@context") != Some(context)
    {
        return Ok(false);
    }
    let mut config = proof.clone();
    config.remove("proofValue");
    let data = hash_data(doc, &config)?;
    Ok(key.verify(&data, &signature).is_ok())
}

/// The Open Badges 3.0 context, after the Verifiable Credentials 2.0 one.
pub const OB_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
pub const VC_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";

/// What the achievement is, in one line: the school, its place, its contact hours, and its ECTS
/// credits when it awards them (the AFGSU 2, a national attestation, awards none).
pub fn description(record: &super::certificate::CertificateRecord) -> String {
    let c = &record.course;
    match record.kind {
        super::status::CertificateKind::AttestationOfSuccess => {
            format!("{} — {}, {} h, {} ECTS", c.title, c.place, c.hours, c.ects)
        }
        super::status::CertificateKind::Afgsu2 => {
            format!("AFGSU 2 — {}, {}, {} h", c.title, c.place, c.hours)
        }
    }
}

/// The addresses an issuer publishes for verifiers: its profile, which is also the controller
/// document of its key (`assertionMethod`), the key itself (a fragment of the profile), and its
/// revocation lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerUrls {
    pub profile: String,
    pub key: String,
    base: String,
}

impl IssuerUrls {
    /// The addresses under the service's public URL.
    pub fn new(public_url: &str) -> IssuerUrls {
        let base = public_url.trim_end_matches('/').to_owned();
        let profile = format!("{base}/certificates/issuer");
        IssuerUrls {
            key: format!("{profile}#key-1"),
            profile,
            base,
        }
    }

    /// The revocation list numbered `list` (from 1).
    pub fn status_list(&self, list: i64) -> String {
        format!("{}/certificates/status/{list}", self.base)
    }
}

/// The Open Badge of a certificate as the graduate downloads it: pointing to its place in the
/// revocation list (`status_index`, when it has one), signed with `key` as the issuer's
/// `assertionMethod` on the day of issue, its proof in a set.
pub fn signed_badge(
    record: &super::certificate::CertificateRecord,
    status_index: Option<i64>,
    urls: &IssuerUrls,
    key: &SigningKey,
) -> Result<Value, ProofError> {
    let status = status_index.map(|place| {
        let (list, _) = status_list_of(place);
        credential_status(&urls.status_list(list), place)
    });
    let badge = open_badge_with_status(
        record,
        &urls.profile,
        &format!("{}#achievement", record.verification_url),
        &description(record),
        status,
    );
    add_proof_set(
        &badge,
        &ProofOptions {
            created: format!("{}T00:00:00Z", record.issued_on),
            verification_method: urls.key.clone(),
        },
        key,
    )
}

/// The revocation list numbered `list` as published: which of its places are revoked (`places`,
/// counted over all lists), as of `valid_from`, signed with `key`.
pub fn signed_status_list(
    urls: &IssuerUrls,
    list: i64,
    places: &[i64],
    valid_from: &str,
    key: &SigningKey,
) -> Result<Value, ProofError> {
    let set: Vec<i64> = places
        .iter()
        .filter(|p| status_list_of(**p).0 == list)
        .map(|p| status_list_of(*p).1)
        .collect();
    let unsigned = status_list_credential(&urls.status_list(list), &urls.profile, &set, valid_from);
    add_proof_set(
        &unsigned,
        &ProofOptions {
            created: valid_from.to_owned(),
            verification_method: urls.key.clone(),
        },
        key,
    )
}

/// The JSON-LD contexts of Multikey verification methods and of controller documents.
pub const MULTIKEY_CONTEXT: &str = "https://w3id.org/security/multikey/v1";
pub const DID_CONTEXT: &str = "https://www.w3.org/ns/did/v1";

/// The issuer's profile (an Open Badges `Profile`) and the controller document of its key: the
/// Multikey its badges' proofs name, listed as its `assertionMethod`.
pub fn issuer_document(
    urls: &IssuerUrls,
    name: &str,
    url: &str,
    email: Option<&str>,
    key: &VerifyingKey,
) -> Value {
    // The DID context first: it is the one that defines `verificationMethod` and
    // `assertionMethod` for verifiers that read the document as JSON-LD.
    let mut profile = serde_json::json!({
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT, VC_CONTEXT, OB_CONTEXT],
        "id": urls.profile,
        "type": ["Profile"],
        "name": name,
        "url": url,
        "verificationMethod": [{
            "id": urls.key,
            "type": "Multikey",
            "controller": urls.profile,
            "publicKeyMultibase": multikey(key),
        }],
        "assertionMethod": [urls.key],
    });
    if let Some(email) = email {
        profile["email"] = email.into();
    }
    profile
}

/// The unsigned `OpenBadgeCredential` of a certificate: the credential's id is its verification
/// address, the issuer's profile is at `issuer_id`, the achievement (the program's attestation) at
/// `achievement_id`. The holder is named as on the certificate (an `IdentityObject` of type
/// `name`, not hashed: the certificate shows it too).
pub fn open_badge(
    record: &super::certificate::CertificateRecord,
    issuer_id: &str,
    achievement_id: &str,
    description: &str,
) -> Value {
    open_badge_with_status(record, issuer_id, achievement_id, description, None)
}

/// [`open_badge`], pointing to `credential_status` (see [`credential_status`]).
pub fn open_badge_with_status(
    record: &super::certificate::CertificateRecord,
    issuer_id: &str,
    achievement_id: &str,
    description: &str,
    credential_status: Option<Value>,
) -> Value {
    let date = |d: time::Date| format!("{d}T00:00:00Z");
    let title = format!(
        "{} — {}",
        match record.kind {
            super::status::CertificateKind::AttestationOfSuccess => "Attestation of success",
            super::status::CertificateKind::Afgsu2 => "AFGSU 2",
        },
        record.course.title
    );
    let mut achievement = serde_json::json!({
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": title,
        "description": description,
        "criteria": { "narrative": description },
        "inLanguage": record.locale.tag(),
    });
    if record.kind == super::status::CertificateKind::AttestationOfSuccess {
        achievement["creditsAvailable"] = record.course.ects.into();
    }
    let mut credential = serde_json::json!({
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": record.verification_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": title,
        "issuer": {
            "id": issuer_id,
            "type": ["Profile"],
            "name": format!("{} — {}", record.issuer.institution, record.issuer.faculty),
        },
        "validFrom": date(record.issued_on),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": false,
                "identityHash": record.holder.name,
            }],
            "achievement": achievement,
        },
    });
    if let Some(until) = record.valid_until {
        credential["validUntil"] = date(until.next_day().unwrap_or(until)).into();
    }
    if let Some(status) = credential_status {
        credential["credentialStatus"] = status;
    }
    credential
}

/// The places in one status list: the 16 KiB of bits W3C's Bitstring Status List asks for at the
/// least, so that one list hides which of many credentials a reader checks.
pub const STATUS_LIST_LEN: i64 = 131_072;

/// The list a place belongs to (numbered from 1) and its index within it.
pub fn status_list_of(place: i64) -> (i64, i64) {
    (place / STATUS_LIST_LEN + 1, place % STATUS_LIST_LEN)
}

/// A credential's `credentialStatus`: its place in the revocation list at `list_url`.
pub fn credential_status(list_url: &str, place: i64) -> Value {
    let (_, index) = status_list_of(place);
    serde_json::json!({
        "id": format!("{list_url}#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": index.to_string(),
        "statusListCredential": list_url,
    })
}

/// The `encodedList` of a list whose set bits are `set` (indexes within the list): the bitstring
/// (index 0 the first byte's most significant bit) GZIP-compressed, in multibase base64url.
pub fn encoded_list(set: &[i64]) -> String {
    use base64::Engine;
    use std::io::Write;
    let mut bits = vec![0u8; (STATUS_LIST_LEN / 8) as usize];
    for &i in set.iter().filter(|i| (0..STATUS_LIST_LEN).contains(*i)) {
        bits[(i / 8) as usize] |= 0x80 >> (i % 8);
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&bits).expect("compressing into memory");
    let zipped = gz.finish().expect("compressing into memory");
    format!(
        "u{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(zipped)
    )
}

/// The set bits of an `encodedList`, if it is one.
pub fn decode_list(encoded: &str) -> Option<Vec<i64>> {
    use base64::Engine;
    use std::io::Read;
    let zipped = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(encoded.strip_prefix('u')?)
        .ok()?;
    let mut bits = Vec::new();
    flate2::read::GzDecoder::new(zipped.as_slice())
        .take(1 << 24)
        .read_to_end(&mut bits)
        .ok()?;
    Some(
        (0..bits.len() as i64 * 8)
            .filter(|i| bits[(i / 8) as usize] & (0x80 >> (i % 8)) != 0)
            .collect(),
    )
}

/// The unsigned `BitstringStatusListCredential` at `list_url`: revocations of the credentials
/// `issuer_id` issued, as of `valid_from`.
pub fn status_list_credential(
    list_url: &str,
    issuer_id: &str,
    set: &[i64],
    valid_from: &str,
) -> Value {
    serde_json::json!({
        "@context": [VC_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": format!("{list_url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list(set),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // The W3C vc-di-eddsa test vectors (TestVectors/keyPair.json and eddsa-jcs-2022/).
    const PUBLIC: &str = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
    const SECRET: &str = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq";

    fn unsigned() -> Value {
        serde_json::json!({
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://www.w3.org/ns/credentials/examples/v2"
            ],
            "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
            "type": ["VerifiableCredential", "AlumniCredential"],
            "name": "Alumni Credential",
            "description": "A minimum viable example of an Alumni Credential.",
            "issuer": "https://vc.example/issuers/5678",
            "validFrom": "2023-01-01T00:00:00Z",
            "credentialSubject": {
                "id": "did:example:abcdefgh",
                "alumniOf": "The School of Examples"
            }
        })
    }

    #[test]
    fn a_status_list_sets_the_bits_of_its_places_and_reads_back() {
        assert_eq!(status_list_of(0), (1, 0));
        assert_eq!(status_list_of(STATUS_LIST_LEN + 5), (2, 5));
        let encoded = encoded_list(&[0, 7, 8, 131_071]);
        assert!(encoded.starts_with('u'));
        assert_eq!(decode_list(&encoded), Some(vec![0, 7, 8, 131_071]));
        assert_eq!(decode_list(&encoded_list(&[])), Some(vec![]));
        // A list of 131,072 bits with few set compresses to well under a kilobyte.
        assert!(encoded.len() < 1024, "{}", encoded.len());
        let entry = credential_status("https://x.example/status/1", 9);
        assert_eq!(entry["statusListIndex"], "9");
        assert_eq!(entry["id"], "https://x.example/status/1#9");
    }

    fn options() -> ProofOptions {
        ProofOptions {
            created: "2023-02-24T23:36:38Z".into(),
            verification_method: format!("https://vc.example/issuers/5678#{PUBLIC}"),
        }
    }

    const PROOF_VALUE: &str =
        "z63t83Y53KfzJ5ZosfKTnqfMcKB2dmTrfjSaQjeNNjAD5srBowQfmWqeRb8rRjmeEuCBEsddF9LsVogtuTsijJKh4";

    #[test]
    fn only_the_attestation_of_success_speaks_of_ects_credits() {
        let mut record = crate::domain::certificate::tests::record();
        assert!(
            description(&record).ends_with(", 5 ECTS"),
            "{}",
            description(&record)
        );
        record.kind = crate::domain::status::CertificateKind::Afgsu2;
        record.course.ects = 0;
        let afgsu = description(&record);
        assert!(
            afgsu.starts_with("AFGSU 2 — ") && !afgsu.contains("ECTS"),
            "{afgsu}"
        );
        let badge = open_badge(&record, "https://i.example", "https://a.example", &afgsu);
        let achievement = &badge["credentialSubject"]["achievement"];
        assert!(
            achievement.get("creditsAvailable").is_none(),
            "{achievement}"
        );
    }

    #[test]
    fn a_certificate_becomes_an_open_badge_whose_proof_verifies() {
        let key = SigningKey::from_bytes(&[4; 32]);
        let record = crate::domain::certificate::tests::record();
        let badge = open_badge(
            &record,
            "https://summerschool.example/issuer",
            "https://summerschool.example/achievements/hands-on-2026",
            "Two weeks of clinical medicine and emergencies, 60 hours, assessed.",
        );
        assert_eq!(badge["type"][1], "OpenBadgeCredential");
        assert_eq!(badge["@context"][1], OB_CONTEXT);
        assert_eq!(
            badge["credentialSubject"]["achievement"]["creditsAvailable"],
            5
        );
        assert_eq!(
            badge["credentialSubject"]["identifier"][0]["identityHash"],
            "Nguyễn Thị Minh Khai"
        );
        assert_eq!(badge["validFrom"], "2026-07-20T00:00:00Z");
        let options = ProofOptions {
            created: "2026-07-20T00:00:00Z".into(),
            verification_method: format!(
                "https://summerschool.example/issuer#{}",
                multikey(&key.verifying_key())
            ),
        };
        let secured = add_proof(&badge, &options, &key).unwrap();
        assert_eq!(verify_proof(&secured, &key.verifying_key()), Ok(true));
    }

    #[test]
    fn the_w3c_key_pair_reads_and_writes_back() {
        let secret = parse_secret_multikey(SECRET).expect("the secret key");
        let public = parse_multikey(PUBLIC).expect("the public key");
        assert_eq!(secret.verifying_key(), public);
        assert_eq!(multikey(&public), PUBLIC);
        assert!(
            parse_multikey(SECRET).is_none(),
            "a secret key is not a public one"
        );
        assert!(parse_multikey("not a key").is_none());
    }

    #[test]
    fn signing_the_w3c_example_gives_the_w3c_proof_and_it_verifies() {
        let key = parse_secret_multikey(SECRET).unwrap();
        let secured = add_proof(&unsigned(), &options(), &key).unwrap();
        assert_eq!(secured["proof"]["proofValue"], PROOF_VALUE);
        let public = parse_multikey(PUBLIC).unwrap();
        assert_eq!(verify_proof(&secured, &public), Ok(true));
    }

    #[test]
    fn any_change_to_the_document_or_the_proof_fails() {
        let key = parse_secret_multikey(SECRET).unwrap();
        let public = key.verifying_key();
        let secured = add_proof(&unsigned(), &options(), &key).unwrap();
        let mut changed = secured.clone();
        changed["credentialSubject"]["alumniOf"] = "The School of Forgeries".into();
        assert_eq!(verify_proof(&changed, &public), Ok(false));
        let mut changed = secured.clone();
        changed["proof"]["created"] = "2024-02-24T23:36:38Z".into();
        assert_eq!(verify_proof(&changed, &public), Ok(false));
        let other = SigningKey::from_bytes(&[9; 32]).verifying_key();
        assert_eq!(verify_proof(&secured, &other), Ok(false));
        assert_eq!(verify_proof(&unsigned(), &public), Err(ProofError::NoProof));
    }
}
