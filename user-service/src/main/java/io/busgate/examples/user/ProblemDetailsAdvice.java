package io.busgate.examples.user;

import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Renders every Spring MVC error (including {@code ResponseStatusException}) as an RFC 9457
 * problem detail ({@code application/problem+json}) whose {@code detail} carries the reason.
 * Declared here rather than through {@code spring.mvc.problemdetails.enabled} so it holds
 * however the app is configured or embedded; never includes a stack trace.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

}
