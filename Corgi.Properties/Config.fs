/// The shared configuration of Corgi's properties: the test counts and the arbitraries.
module Corgi.Properties.Config

open System
open global.FsCheck.Xunit
open Corgi.FsCheck

/// 10 when the environment variable CORGI_PROPERTY_TESTS is "thorough", else 1.
let multiplier =
    match Environment.GetEnvironmentVariable "CORGI_PROPERTY_TESTS" with
    | null -> 1
    | s when s.Trim().Equals("thorough", StringComparison.OrdinalIgnoreCase) -> 10
    | _ -> 1

/// An FsCheck property with Corgi's arbitraries registered and <paramref name="maxTest"/> cases (times 10
/// under CORGI_PROPERTY_TESTS=thorough). On failure FsCheck.Xunit prints the original and shrunk arguments
/// and the seed; rerun one case with <c>[&lt;CorgiProperty(40, Replay = "(seed,gamma)")&gt;]</c>.
[<AttributeUsage(AttributeTargets.Method, AllowMultiple = false)>]
type CorgiPropertyAttribute(maxTest: int) as this =
    inherit PropertyAttribute()

    do
        this.MaxTest <- maxTest * multiplier
        this.Arbitrary <- [| typeof<Arbitraries>; typeof<Corgi.Properties.Programs.ProgramArbitrary> |]

    /// 100 cases.
    new() = CorgiPropertyAttribute(100)
