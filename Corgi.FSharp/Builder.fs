namespace Corgi.FSharp

open Corgi

/// The `tensor` function, opened with `Corgi.FSharp`.
[<AutoOpen>]
module Builder =

    /// <summary>
    /// Builds an untracked tensor from an F# value of any nesting: a number gives a scalar, a list, array or
    /// seq gives one dimension per level of nesting, <c>Array2D</c>/<c>Array3D</c> give their dimensions, and
    /// tensors may be elements (their shape is appended). The dtype follows the elements: float32 numbers
    /// (<c>1.0f</c>) give a float32 tensor, floats a float64 one, a mix of both float64, and whole numbers
    /// alone the default dtype (<c>Tensor.DefaultDType</c>).
    /// </summary>
    /// <example>
    /// <code>
    /// tensor 3.0                         // shape []
    /// tensor [1.; 2.]                    // shape [2]
    /// tensor [[1.; 2.]; [3.; 4.]]        // shape [2; 2]
    /// tensor [| [| 1; 2 |]; [| 3; 4 |] |] // ints are converted to floats
    /// tensor (array2D [[1.; 2.]])        // shape [1; 2]
    /// tensor (seq { 0.0 .. 0.5 .. 1.0 }) // shape [3]
    /// tensor [1.0f; 2.0f]                // float32, shape [2]
    /// tensor [| [| 1.0f |]; [| 2.0f |] |] // float32, shape [2; 1]
    /// </code>
    /// </example>
    /// <exception cref="T:System.ArgumentException">The input is ragged (the message names the first element whose
    /// shape differs), contains null, strings or values that are not numbers.</exception>
    [<CompiledName("MakeTensor")>]
    let tensor (value: 'T) : Tensor = Convert.ofObj (box value)
