/* pdfx: the printer PDF made a press file (PDF/X-4 or PDF/X-1a:2003), on
 * the qpdf document pdfpost has open. Private to generator/print/: only
 * pdfpost.c calls it, so libqpdf stays behind pdfpost's interface.
 *
 * Cairo 1.16 draws only in RGB. Here every colour operator of the page
 * content (rg, RG, and colour spaces set with cs/CS) becomes its press
 * colour (colour.h, or the layout's palette as given), RGB images become
 * CMYK (grey ones DeviceGray), the marks drawn in the registration colour
 * go to the All separation, and the document gets its output intent with
 * the profile, the PDF/X keys in the Info dictionary and XMP metadata. */
#ifndef KLAR_PRINT_PDFX_H
#define KLAR_PRINT_PDFX_H
#include <qpdf/qpdf-c.h>
#include "pdfpost.h"

/* Converts the document q as press says. Returns true, or false with the
 * reason in err (size errlen): something drawn that klar cannot convert
 * (a shading, an inline RGB image, transparency in PDF/X-1a). */
bool pdfx_convert(qpdf_data q, const pdfpost_press *press, char *err, size_t errlen);

#endif
