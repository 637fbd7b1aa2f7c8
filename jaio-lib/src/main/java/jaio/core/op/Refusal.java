package jaio.core.op;

/**
 * Why a request is refused at submission (C2): the closest error number and a reason
 * in words, which the public layer puts in its {@code InvalidRequestException}. Immutable.
 *
 * @param errno  the error number (EINVAL, EBADF, EFAULT ...)
 * @param reason what is wrong, for the message
 */
public record Refusal(int errno, String reason) {}
