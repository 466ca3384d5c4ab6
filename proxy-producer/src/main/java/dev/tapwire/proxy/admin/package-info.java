/**
 * The admin HTTP endpoint: Prometheus metrics ({@code /metrics}) and health ({@code /healthz}). See
 * {@link dev.tapwire.proxy.admin.AdminServer}.
 */
package dev.tapwire.proxy.admin;
