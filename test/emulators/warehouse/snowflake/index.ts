export { startSnowflakeFake, type SnowflakeFake, type SnowflakeFakeOptions } from './snowflake-fake';
export { jwtProblem, type RegisteredUser } from './jwt-check';
