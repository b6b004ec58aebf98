/**
 * An HTTP token (RFC 9110 §5.6.2): what a header name, a cookie name or a version label may be
 * made of. One pattern for every config key that names one. A leaf.
 */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
