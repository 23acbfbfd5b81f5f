/** Password rules shared by the sign-up form and Convex Auth's Password provider. */
export const MIN_PASSWORD_LENGTH = 8;
