/// Random programs of 2-6 ops over two broadcast-compatible inputs, for the composition and second-order
/// properties. A program is a list of steps; each step makes a new node from the latest one (and, for a
/// binary step, an earlier one), so earlier nodes get several consumers.
module Corgi.Properties.Programs

open System
open global.FsCheck
open global.FsCheck.FSharp
open Corgi

/// A step on the latest node.
type UnaryStep =
    | Tanh
    | Sigmoid
    | Softmax
    | LogSoftmax
    | Neg
    | Half
    | Square
    | SumKeepLast
    | ExpOfTanh

/// A step combining the latest node with an earlier one.
type BinaryStep =
    | Add
    | Sub
    | Mul
    | DivOnePlusSquare

/// One step of a program; <c>Binary (op, k)</c> uses node k modulo the number of nodes so far.
type Step =
    | Unary of UnaryStep
    | Binary of BinaryStep * int

/// A program; it prints as readable assignments (n0 and n1 are the inputs).
[<StructuredFormatDisplay("{Text}")>]
type Program =
    { Steps: Step[] }

    /// The program as text, e.g. <c>n2 = tanh(n1); n3 = n2 * n0; out = sum(w * n3) + 0.25 sum(n2)</c>.
    member this.Text =
        let parts =
            this.Steps
            |> Array.mapi (fun i step ->
                let n = i + 2
                let last = n - 1
                match step with
                | Unary u -> $"n{n} = {u}(n{last})"
                | Binary(b, k) -> $"n{n} = {b}(n{last}, n{k % n})")
        String.Join("; ", parts) + $"; out = sum(w * n{this.Steps.Length + 1}) + 0.25 sum(n2)"

    override this.ToString() = this.Text

let private unary (u: UnaryStep) (x: Tensor) =
    match u with
    | Tanh -> x.Tanh()
    | Sigmoid -> x.Sigmoid()
    | Softmax -> if x.Rank = 0 then x else x.Softmax(-1)
    | LogSoftmax -> if x.Rank = 0 then x else x.LogSoftmax(-1)
    | Neg -> -x
    | Half -> x * 0.5
    | Square -> x.Square()
    | SumKeepLast -> if x.Rank = 0 then x else x.Sum([| -1 |], true)
    | ExpOfTanh -> x.Tanh().Exp()

let private binary (b: BinaryStep) (x: Tensor) (y: Tensor) =
    match b with
    | Add -> x + y
    | Sub -> x - y
    | Mul -> x * y
    | DivOnePlusSquare -> x / (y.Square() + 1.0)

/// Runs a program on the two inputs and returns every node (inputs first).
let nodes (p: Program) (a: Tensor) (b: Tensor) : Tensor[] =
    let ns = ResizeArray [ a; b ]
    for step in p.Steps do
        let last = ns.[ns.Count - 1]
        let next =
            match step with
            | Unary u -> unary u last
            | Binary(op, k) -> binary op last ns.[k % ns.Count]
        ns.Add next
    ns.ToArray()

/// The program's scalar output: sum(w * last node) + 0.25 sum(first new node), so the first new node has
/// at least two consumers.
let run (weighted: Tensor -> Tensor) (p: Program) (a: Tensor) (b: Tensor) : Tensor =
    let ns = nodes p a b
    weighted ns.[ns.Length - 1] + ns.[2].Sum() * 0.25

let private step: Gen<Step> =
    Gen.oneof [
        Gen.elements [ Tanh; Sigmoid; Softmax; LogSoftmax; Neg; Half; Square; SumKeepLast; ExpOfTanh ] |> Gen.map Unary
        Gen.zip (Gen.elements [ Add; Sub; Mul; DivOnePlusSquare ]) (Gen.choose (0, 7)) |> Gen.map Binary
    ]

/// Programs of 2-6 steps; they shrink by dropping steps and turning binary steps into Neg.
let arbitrary: Arbitrary<Program> =
    let gen = Gen.choose (2, 6) |> Gen.bind (fun n -> Gen.arrayOfLength n step) |> Gen.map (fun s -> { Steps = s })
    let shrink (p: Program) =
        seq {
            if p.Steps.Length > 1 then
                for i in 0 .. p.Steps.Length - 1 do
                    yield { Steps = Array.removeAt i p.Steps }
            for i in 0 .. p.Steps.Length - 1 do
                match p.Steps.[i] with
                | Binary _ -> yield { Steps = Array.updateAt i (Unary Neg) p.Steps }
                | Unary Neg -> ()
                | Unary _ -> yield { Steps = Array.updateAt i (Unary Neg) p.Steps }
        }
    Arb.fromGenShrink (gen, shrink)

/// Registers <see cref="arbitrary"/> for properties taking a Program.
type ProgramArbitrary =
    /// Programs of 2-6 steps.
    static member Program() = arbitrary
