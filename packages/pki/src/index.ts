export {
  CertificateAuthority,
  generateSigningKey,
  DEFAULT_CA_VALIDITY_DAYS,
  DEFAULT_CERT_VALIDITY_DAYS,
  type KeyPair,
  type CertificateRequest,
  type Usage,
} from './certificate-authority.ts';
