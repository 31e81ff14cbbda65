//! The `openidconnect` crate's generic types filled in for this provider: its ID tokens carry
//! [`ProviderClaims`] (the additional claims by name, since the PEP Ledger claim names come
//! from the settings), and the client is the crate's `CoreClient` with those claims. Kept
//! apart because discovery builds the client and the exchange verifies its tokens.

use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreErrorResponseType, CoreGenderClaim, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreRevocableToken,
    CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, Client, EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet, EndpointSet,
    IdToken, IdTokenClaims, IdTokenFields, StandardErrorResponse, StandardTokenResponse,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;

/// The ID token's claims beyond the standard ones, by name: the PEP Ledger claims are named in
/// the settings, so they cannot be fields of a struct.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProviderClaims {
    /// Every additional claim, as the provider sent it.
    #[serde(flatten)]
    pub claims: HashMap<String, Value>,
}

impl AdditionalClaims for ProviderClaims {}

pub(super) type ProviderIdToken = IdToken<
    ProviderClaims,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

pub(super) type ProviderIdTokenClaims = IdTokenClaims<ProviderClaims, CoreGenderClaim>;

type ProviderTokenResponse = StandardTokenResponse<
    IdTokenFields<
        ProviderClaims,
        EmptyExtraTokenFields,
        CoreGenderClaim,
        CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm,
    >,
    CoreTokenType,
>;

/// `CoreClient` with [`ProviderClaims`] in place of no additional claims: as discovery makes it
/// (`HasTokenUrl` maybe set) and, as [`ProviderClient`], once the token endpoint is checked.
pub(super) type ProviderClientWith<HasTokenUrl> = Client<
    ProviderClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    ProviderTokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    HasTokenUrl,
    EndpointMaybeSet,
>;

/// The client once discovery has found the token endpoint.
pub(super) type ProviderClient = ProviderClientWith<EndpointSet>;
