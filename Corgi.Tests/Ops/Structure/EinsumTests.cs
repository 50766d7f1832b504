using System;
using Xunit;
using static Corgi.Tests.TestUtil;

namespace Corgi.Tests.Ops;

public abstract class EinsumTests : DTypeTestBase
{
    /// <summary>The cases in float64.</summary>
    public sealed class Float64() : EinsumTests(DType.Float64);

    /// <summary>The cases in float32.</summary>
    public sealed class Float32() : EinsumTests(DType.Float32);

    private protected EinsumTests(DType dtype) : base(dtype) { }

    // a = [[1, 2], [3, 4]], b = [[5, 6], [7, 8]]
    private Tensor A() => T(new[] { 2, 2 }, 1, 2, 3, 4).Tracked();
    private Tensor B() => T(new[] { 2, 2 }, 5, 6, 7, 8).Tracked();

    [Fact]
    public void MatrixProduct_AndItsGradient()
    {
        var a = A();
        var b = B();
        // [[1·5 + 2·7, 1·6 + 2·8], [3·5 + 4·7, 3·6 + 4·8]]
        var c = Tensor.Einsum("ij,jk->ik", a, b);
        AssertClose(new[] { 2, 2 }, new double[] { 19, 22, 43, 50 }, c);
        c.Backward(Tensor.Ones(new[] { 2, 2 }, Dt));
        // d/da[i,j] = Σ_k b[j,k]: row sums of b, 11 and 15, in every row; d/db[j,k] = Σ_i a[i,j]: 4 and 6
        AssertClose(new double[] { 11, 15, 11, 15 }, a.Gradient);
        AssertClose(new double[] { 4, 4, 6, 6 }, b.Gradient);
        AssertClose(new double[] { 19, 22, 43, 50 }, Tensor.Einsum("ij,jk", a, b)); // implicit output "ik"
    }

    [Fact]
    public void BatchedProduct()
    {
        // batch 0: a·b as above; batch 1: the identity times b = b
        var a = T(new[] { 2, 2, 2 }, 1, 2, 3, 4, 1, 0, 0, 1);
        var b = T(new[] { 2, 2, 2 }, 5, 6, 7, 8, 5, 6, 7, 8);
        AssertClose(new[] { 2, 2, 2 }, new double[] { 19, 22, 43, 50, 5, 6, 7, 8 }, Tensor.Einsum("bij,bjk->bik", a, b));
        AssertClose(new[] { 2, 2, 2 }, new double[] { 19, 22, 43, 50, 5, 6, 7, 8 }, Tensor.Einsum("...ij,...jk->...ik", a, b));
        // an ellipsis broadcast against a matrix: each batch times b[0]
        AssertClose(new double[] { 19, 22, 43, 50, 5, 6, 7, 8 }, Tensor.Einsum("...ij,jk->...ik", a, B()));
    }

    [Fact]
    public void OuterProducts_Contractions_Sums()
    {
        AssertClose(new[] { 2, 3 }, new double[] { 3, 4, 5, 6, 8, 10 }, Tensor.Einsum("i,j->ij", Of(1, 2), Of(3, 4, 5)));
        // Σ a ⊙ b = 5 + 12 + 21 + 32
        AssertClose(Array.Empty<int>(), new double[] { 70 }, Tensor.Einsum("ij,ij->", A(), B()));
        AssertClose(new double[] { 3, 7 }, Tensor.Einsum("ij->i", A()));
        AssertClose(new double[] { 10 }, Tensor.Einsum("ij->", A()));
        // three operands: Σ_i x_i y_i z_i = 1·3·5 + 2·4·6
        AssertClose(new double[] { 63 }, Tensor.Einsum("i,i,i->", Of(1, 2), Of(3, 4), Of(5, 6)));
        // a batch of dot products: rows of a · rows of b = 1·5 + 2·6, 3·7 + 4·8
        AssertClose(new[] { 2 }, new double[] { 17, 53 }, Tensor.Einsum("bi,bi->b", A(), B()));
        // a [2,1] against b [2,2] on j: a broadcasts along j
        AssertClose(new double[] { 11, 15 }, Tensor.Einsum("ij,ij->i", T(new[] { 2, 1 }, 1, 1), B()));
    }

    [Fact]
    public void Traces_Diagonals_Transposes()
    {
        var a = A();
        var t = Tensor.Einsum("ii->", a);
        AssertClose(Array.Empty<int>(), new double[] { 5 }, t);
        t.Backward();
        AssertClose(new double[] { 1, 0, 0, 1 }, a.Gradient);
        AssertClose(new double[] { 1, 4 }, Tensor.Einsum("ii->i", A()));
        AssertClose(new double[] { 1, 3, 2, 4 }, Tensor.Einsum("ij->ji", A()));
        AssertClose(new double[] { 1, 3, 2, 4 }, Tensor.Einsum("ba", A())); // implicit output "ab": a transpose
        AssertClose(new double[] { 1, 3, 2, 4 }, Tensor.Einsum(" j i -> i j ", A()));
    }

    [Fact]
    public void Errors_NameTheEquation()
    {
        Throws<ArgumentException>(() => Tensor.Einsum("ij,jk->ik", A()), "einsum 'ij,jk->ik'", "2 operand", "1 tensor");
        Throws<ArgumentException>(() => Tensor.Einsum("ij->k", A()), "einsum 'ij->k'", "'k'");
        Throws<ArgumentException>(() => Tensor.Einsum("i1->i", A()), "einsum 'i1->i'", "'1'");
        Throws<ArgumentException>(() => Tensor.Einsum("ij->ii", A()), "einsum 'ij->ii'", "twice");
        Throws<ArgumentException>(() => Tensor.Einsum("i..j->ij", A()), "einsum", "'...'");
        ThrowsShape(() => Tensor.Einsum("ijk->i", A()), "einsum 'ijk->i'", "[2,2]");
        ThrowsShape(() => Tensor.Einsum("ij,jk->ik", Tensor.Ones(new[] { 2, 3 }, Dt), A()), "einsum", "'j'", "3", "2");
    }
}
