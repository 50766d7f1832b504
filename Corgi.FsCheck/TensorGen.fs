namespace Corgi.FsCheck

open System
open Corgi
open global.FsCheck
open global.FsCheck.FSharp

/// FsCheck generators of shapes, tensors and op-compatible cases. Sizes follow FsCheck's size parameter,
/// so the first tests of a run are scalars and vectors, and tensors stay small (at most
/// <see cref="maxElements"/> elements) so that finite differences stay cheap.
/// <example>
/// <code>
/// let prop = Prop.forAll (Arb.fromGen (TensorGen.shape |> Gen.bind TensorGen.positiveOf)) (fun x ->
///     Corgi.FSharp.Check.gradient1 (fun t -> t.Log().Sum()) x |> fun r -> r.Passed)
/// </code>
/// </example>
[<RequireQualifiedAccess>]
module TensorGen =

    /// The largest number of elements a generated tensor has (48).
    [<Literal>]
    let maxElements = 48

    let private signed (lo: int) (hi: int) (scale: float) =
        Gen.zip (Gen.elements [ -1.0; 1.0 ]) (Gen.choose (lo, hi))
        |> Gen.map (fun (s, v) -> s * float v / scale)

    /// One value of a domain (see <see cref="Domain"/> for the ranges).
    let value (domain: Domain) : Gen<float> =
        match domain with
        | Domain.General -> Gen.choose (-200, 200) |> Gen.map (fun v -> float v / 100.0)
        | Domain.Positive -> Gen.choose (20, 300) |> Gen.map (fun v -> float v / 100.0)
        | Domain.NonZero -> signed 50 200 100.0
        | Domain.AwayFromKinks -> signed 10 200 100.0
        | Domain.Tenths -> Gen.choose (-20, 20) |> Gen.map (fun v -> float v / 10.0)
        | Domain.OddTwentieths -> Gen.choose (-20, 19) |> Gen.map (fun v -> float (2 * v + 1) / 20.0)
        | Domain.Large -> signed 500 1000 1.0

    /// n values of a domain.
    let values (domain: Domain) (n: int) : Gen<float[]> = Gen.arrayOfLength n (value domain)

    /// n pairwise-distinct values (distinct multiples of 0.1 in [-3, 3], in random order); n &lt;= 61.
    let distinctValues (n: int) : Gen<float[]> =
        if n > 61 then invalidArg (nameof n) $"distinctValues: at most 61 distinct values can be drawn, not {n}"
        Gen.shuffle [| -30 .. 30 |] |> Gen.map (fun a -> Array.init n (fun i -> float a.[i] / 10.0))

    /// The number of elements of a shape.
    let count (shape: int[]) = Array.fold (*) 1 shape

    /// Halves the largest dimension until the shape has at most maxCount elements.
    let capElements (maxCount: int) (shape: int[]) =
        let s = Array.copy shape
        while count s > maxCount do
            let i = Array.findIndex ((=) (Array.max s)) s
            s.[i] <- max 1 (s.[i] / 2)
        s

    /// A dimension size: 1 about a quarter of the time, else 1..4 as the size grows.
    let dim : Gen<int> =
        Gen.sized (fun size ->
            let hi = 1 + min 3 (size / 15)
            Gen.frequency [ 1, Gen.constant 1; 3, Gen.choose (1, hi) ])

    /// A shape of the given rank (at most <see cref="maxElements"/> elements).
    let shapeOfRank (rank: int) : Gen<int[]> =
        Gen.arrayOfLength rank dim |> Gen.map (capElements maxElements)

    /// A rank between minRank and maxRank, growing with the size.
    let rankBetween (minRank: int) (maxRank: int) : Gen<int> =
        Gen.sized (fun size -> Gen.choose (minRank, max minRank (min maxRank (minRank + size / 10))))

    /// A shape of rank minRank..maxRank.
    let shapeBetween (minRank: int) (maxRank: int) : Gen<int[]> = rankBetween minRank maxRank |> Gen.bind shapeOfRank

    /// A shape of rank 0 to 4 with small dimensions (including 1).
    let shape : Gen<int[]> = shapeBetween 0 4

    /// A tensor of a shape with values from a domain.
    let tensorIn (domain: Domain) (shape: int[]) : Gen<Tensor> =
        values domain (count shape) |> Gen.map (fun v -> Tensor(shape, v))

    /// A tensor of a shape with well-conditioned values in [-2, 2].
    let tensorOf (shape: int[]) : Gen<Tensor> = tensorIn Domain.General shape

    /// A tensor of a shape with values in [0.2, 3] (log, sqrt, pow).
    let positiveOf (shape: int[]) : Gen<Tensor> = tensorIn Domain.Positive shape

    /// A tensor of a shape with |values| in [0.5, 2] (denominators).
    let nonZeroOf (shape: int[]) : Gen<Tensor> = tensorIn Domain.NonZero shape

    /// A tensor of a shape with |values| in [0.1, 2] (relu, abs, leaky relu).
    let awayFromKinksOf (shape: int[]) : Gen<Tensor> = tensorIn Domain.AwayFromKinks shape

    /// A tensor of a shape with pairwise-distinct values (max/min along any dimension never tie).
    let distinctOf (shape: int[]) : Gen<Tensor> =
        distinctValues (count shape) |> Gen.map (fun v -> Tensor(shape, v))

    /// A tensor of random shape (rank 0-4) with values in [-2, 2].
    let tensor : Gen<Tensor> = shape |> Gen.bind tensorOf

    /// A tensor of random shape with values from a domain.
    let tensorWith (domain: Domain) : Gen<Tensor> = shape |> Gen.bind (tensorIn domain)

    /// A shape that broadcasts to the given one: some leading dimensions dropped, some others set to 1.
    let broadcastableTo (target: int[]) : Gen<int[]> =
        gen {
            let! drop = Gen.frequency [ 3, Gen.constant 0; 1, Gen.choose (0, target.Length) ]
            let! ones = Gen.arrayOfLength (target.Length - drop) (Gen.frequency [ 2, Gen.constant false; 1, Gen.constant true ])
            return Array.init (target.Length - drop) (fun i -> if ones.[i] then 1 else target.[drop + i])
        }

    /// Two shapes that broadcast together (like [2,3] and [1,3], or [4,1,2] and [3,1]), in either order.
    let broadcastShapes : Gen<int[] * int[]> =
        gen {
            let! target = shape
            let! a = broadcastableTo target
            let! b = broadcastableTo target
            // make sure one side can be the full shape sometimes
            let! full = Gen.frequency [ 2, Gen.constant 0; 1, Gen.constant 1; 1, Gen.constant 2 ]
            return
                match full with
                | 1 -> target, b
                | 2 -> a, target
                | _ -> a, b
        }

    /// Two broadcast-compatible tensors with values from the given domains.
    let broadcastPairIn (left: Domain) (right: Domain) : Gen<Tensor * Tensor> =
        gen {
            let! sa, sb = broadcastShapes
            let! a = tensorIn left sa
            let! b = tensorIn right sb
            return a, b
        }

    /// Two broadcast-compatible tensors with values in [-2, 2].
    let broadcastPair : Gen<BroadcastPair> =
        broadcastPairIn Domain.General Domain.General |> Gen.map (fun (a, b) -> { Left = a; Right = b })

    /// Two broadcast-compatible tensors that never tie element-wise (multiples of 0.1 against odd multiples of 0.05).
    let separatedPair : Gen<SeparatedPair> =
        broadcastPairIn Domain.Tenths Domain.OddTwentieths |> Gen.map (fun (a, b) -> { Left = a; Right = b })

    /// A dimension index of a tensor of rank &gt;= 1, written negative half of the time.
    let axis (rank: int) : Gen<int> =
        if rank < 1 then invalidArg (nameof rank) "axis: a tensor of rank 0 has no dimension"
        Gen.zip (Gen.choose (0, rank - 1)) (Gen.elements [ false; true ])
        |> Gen.map (fun (a, negative) -> if negative then a - rank else a)

    /// A list of distinct dimension indices of a tensor of the given rank (possibly empty; some written negative), in random order.
    let axes (rank: int) : Gen<int[]> =
        gen {
            let! chosen = Gen.subListOf [ 0 .. rank - 1 ]
            let! order = Gen.shuffle (Array.ofSeq chosen)
            let! signs = Gen.arrayOfLength order.Length (Gen.elements [ false; true ])
            return Array.map2 (fun a negative -> if negative then a - rank else a) order signs
        }

    /// A permutation of 0..rank-1.
    let permutation (rank: int) : Gen<int[]> = Gen.shuffle [| 0 .. rank - 1 |]

    /// A sum/mean case: a tensor of rank 0-4, random dimensions, random keepDim.
    let reductionCase : Gen<ReductionCase> =
        gen {
            let! x = tensor
            let! dims = axes x.Rank
            let! keep = Gen.elements [ false; true ]
            return { Input = x; Dims = dims; KeepDim = keep }
        }

    /// A max/min/softmax case: a tensor of rank 1-4 with pairwise-distinct values and one of its dimensions.
    let axisCase : Gen<AxisCase> =
        gen {
            let! s = shapeBetween 1 4
            let! x = distinctOf s
            let! d = axis x.Rank
            let! keep = Gen.elements [ false; true ]
            return { Input = x; Dim = d; KeepDim = keep }
        }

    let private swapLast (s: int[]) =
        let r = Array.copy s
        let n = r.Length
        r.[n - 1] <- s.[n - 2]
        r.[n - 2] <- s.[n - 1]
        r

    /// A valid matrix product: vector·vector, vector·matrix, matrix·vector, matrix·matrix, batch·matrix,
    /// matrix·batch and batch·batch with broadcast batch dimensions; transpose flags on operands of
    /// rank 2 or more; and a bias broadcasting to the product a third of the time.
    let matMulCase : Gen<MatMulCase> =
        gen {
            let! m = dim
            let! k = dim
            let! n = dim
            let! batch = shapeBetween 0 2
            // rank of each side: 1 (vector), 2 (matrix) or 2 + batch dims
            let! leftKind = Gen.elements [ 1; 2; 3 ]
            let! rightKind = Gen.elements [ 1; 2; 3 ]
            let! leftBatch = broadcastableTo batch
            let! rightBatch = broadcastableTo batch
            let! ta = Gen.elements [ false; true ]
            let! tb = Gen.elements [ false; true ]
            let leftLogical =
                match leftKind with
                | 1 -> [| k |]
                | 2 -> [| m; k |]
                | _ -> Array.append leftBatch [| m; k |]
            let rightLogical =
                match rightKind with
                | 1 -> [| k |]
                | 2 -> [| k; n |]
                | _ -> Array.append rightBatch [| k; n |]
            let ta = ta && leftLogical.Length >= 2
            let tb = tb && rightLogical.Length >= 2
            let! a = tensorOf (if ta then swapLast leftLogical else leftLogical)
            let! b = tensorOf (if tb then swapLast rightLogical else rightLogical)
            let outShape =
                let batchOut =
                    let la = if leftLogical.Length > 2 then leftLogical.[.. leftLogical.Length - 3] else [||]
                    let lb = if rightLogical.Length > 2 then rightLogical.[.. rightLogical.Length - 3] else [||]
                    let r = max la.Length lb.Length
                    let at (s: int[]) i = if i < r - s.Length then 1 else s.[i - (r - s.Length)]
                    Array.init r (fun i -> max (at la i) (at lb i))
                Array.concat [ batchOut
                               (if leftLogical.Length >= 2 then [| m |] else [||])
                               (if rightLogical.Length >= 2 then [| n |] else [||]) ]
            let! withBias = Gen.frequency [ 2, Gen.constant false; 1, Gen.constant true ]
            let! bias =
                if withBias then broadcastableTo outShape |> Gen.bind tensorOf |> Gen.map Some
                else Gen.constant None
            return { Left = a; Right = b; TransposeLeft = ta; TransposeRight = tb; Bias = bias }
        }

    // -----------------------------------------------------------------------------------------------
    // EXTENSION POINT (convolution): the generator of conv2d/pooling-compatible cases (see Cases.fs)
    // goes here once Ops/Convolution.cs is on main.
    // -----------------------------------------------------------------------------------------------
